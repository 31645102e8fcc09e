using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Triggers;

/// <summary>
/// The library never alters an object it did not create: a project's own <c>update_updated_at_column()</c> (a common
/// Supabase helper name, which the first version of migration 006 replaced) survives every migration untouched, and
/// databases migrated by that first version are moved to the library's own function.
/// </summary>
public sealed class UpdatedAtFunctionOwnershipTests
{
    private const string ViewsMigration = "20251019120007_CreateViews";

    [Test]
    public async Task Migrate_leaves_a_projects_own_update_updated_at_column_as_it_was()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using var owner = await database.OpenOwnerConnectionAsync();
        await owner.ExecuteAsync("""
            CREATE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.updated_at := now();
                RETURN NEW;
            END
            $$;
            COMMENT ON FUNCTION update_updated_at_column() IS 'the project''s own helper';
            REVOKE ALL ON FUNCTION update_updated_at_column() FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION update_updated_at_column() TO authenticated;
            CREATE TABLE host_notes (id int PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());
            CREATE TRIGGER host_notes_updated_at BEFORE UPDATE ON host_notes FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
            """);
        var before = await FunctionAsync(owner, "update_updated_at_column()");

        await using (var context = database.CreateOwnerContext())
        {
            await context.Database.MigrateAsync();
        }

        var session = await SqlRows.InsertSessionAsync(owner);
        var stamped = await owner.ScalarAsync<bool>(
            "UPDATE sessions SET status = 'paused' WHERE id = $1 RETURNING updated_at > created_at", session);
        Assert.Multiple(async () =>
        {
            Assert.That(await FunctionAsync(owner, "update_updated_at_column()"), Is.EqualTo(before));
            Assert.That(await TriggerFunctionAsync(owner, "trigger_sessions_updated_at"), Is.EqualTo("liftsys_sessions_set_updated_at"));
            Assert.That(await TriggerFunctionAsync(owner, "host_notes_updated_at"), Is.EqualTo("update_updated_at_column"));
            Assert.That(stamped, Is.True);
        });
    }

    [TestCase(false, TestName = "Upgrade_from_the_first_migration_006_moves_the_trigger_and_drops_the_librarys_old_function")]
    [TestCase(true, TestName = "Upgrade_from_the_first_migration_006_moves_the_trigger_and_keeps_the_old_function_another_trigger_uses")]
    public async Task Upgrade_from_the_first_migration_006_moves_the_trigger_to_the_librarys_own_function(bool usedByHost)
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using (var context = database.CreateOwnerContext())
        {
            await context.GetService<IMigrator>().MigrateAsync(ViewsMigration);
        }

        // What the first version of migration 006 left: the trigger on update_updated_at_column(), marked as the library's.
        await using var owner = await database.OpenOwnerConnectionAsync();
        await owner.ExecuteAsync("""
            CREATE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql SET search_path = '' AS $$
            BEGIN
                NEW.updated_at := GREATEST(pg_catalog.now(), OLD.updated_at + interval '1 microsecond');
                RETURN NEW;
            END
            $$;
            COMMENT ON FUNCTION update_updated_at_column() IS 'liftsys-sessions: moves updated_at to now() (and always forward) on every UPDATE';
            REVOKE ALL ON FUNCTION update_updated_at_column() FROM PUBLIC, anon, authenticated, service_role;
            CREATE OR REPLACE TRIGGER trigger_sessions_updated_at BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
            DROP FUNCTION liftsys_sessions_set_updated_at();
            """);
        if (usedByHost)
        {
            await owner.ExecuteAsync("""
                CREATE TABLE host_notes (id int PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());
                CREATE TRIGGER host_notes_updated_at BEFORE UPDATE ON host_notes FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
                """);
        }

        await using (var context = database.CreateOwnerContext())
        {
            await context.Database.MigrateAsync();
        }

        var session = await SqlRows.InsertSessionAsync(owner);
        var stamped = await owner.ScalarAsync<bool>(
            "UPDATE sessions SET status = 'paused' WHERE id = $1 RETURNING updated_at > created_at", session);
        Assert.Multiple(async () =>
        {
            Assert.That(await TriggerFunctionAsync(owner, "trigger_sessions_updated_at"), Is.EqualTo("liftsys_sessions_set_updated_at"));
            Assert.That(await owner.ScalarAsync<bool>("SELECT to_regprocedure('update_updated_at_column()') IS NOT NULL"), Is.EqualTo(usedByHost));
            Assert.That(await FunctionAsync(owner, "liftsys_sessions_set_updated_at()"), Does.Contain("liftsys-sessions:"));
            Assert.That(await owner.ScalarAsync<long>("""
                SELECT count(*) FROM unnest(ARRAY['public', 'anon', 'authenticated', 'service_role']) r
                WHERE has_function_privilege(r, 'liftsys_sessions_set_updated_at()', 'EXECUTE')
                """), Is.Zero);
            Assert.That(stamped, Is.True);
        });
    }

    /// <summary>Everything a migration could change about a function: its definition, comment, owner and ACL.</summary>
    private static async Task<string?> FunctionAsync(NpgsqlConnection connection, string signature) =>
        await connection.ScalarAsync<string>(
            """
            SELECT concat_ws(E'\n', pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc'), p.proowner::regrole::text, p.proacl::text)
            FROM pg_proc p WHERE p.oid = to_regprocedure($1)
            """,
            signature);

    private static async Task<string?> TriggerFunctionAsync(NpgsqlConnection connection, string trigger) =>
        await connection.ScalarAsync<string>(
            "SELECT p.proname::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgname = $1", trigger);
}
