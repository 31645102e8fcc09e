using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Triggers;

/// <summary>Migrations 006 and 007 apply on a database that already holds rows, and reverse cleanly.</summary>
public sealed class TriggerMigrationTests
{
    private const string RlsMigration = "20251019120005_CreateRlsPolicies";
    private const string TriggersMigration = "20251019120006_CreateTriggers";

    private static readonly string[] Functions =
        ["update_session_revision_count", "update_session_draft_count", "update_session_hole_count", "liftsys_sessions_set_updated_at"];

    [Test]
    public async Task Down_to_migration_005_removes_triggers_functions_and_views_and_up_restores_them()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var context = database.CreateOwnerContext();
        var migrator = context.GetService<IMigrator>();

        var before = await ObjectsAsync(database);
        await migrator.MigrateAsync(RlsMigration);
        var afterDown = await ObjectsAsync(database);
        await migrator.MigrateAsync();
        var afterUp = await ObjectsAsync(database);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo((13L, 4L, 4L)), "triggers, functions, views after all migrations");
            Assert.That(afterDown, Is.EqualTo((0L, 0L, 0L)));
            Assert.That(afterUp, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Up_counts_rows_written_before_the_triggers_existed_and_leaves_updated_at_alone()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using var context = database.CreateOwnerContext();
        var migrator = context.GetService<IMigrator>();
        await migrator.MigrateAsync(RlsMigration);
        await using var owner = await database.OpenOwnerConnectionAsync();
        var (counted, wrong, empty) = (
            await SqlRows.InsertSessionAsync(owner),
            await SqlRows.InsertSessionAsync(owner, values: new Dictionary<string, object?> { ["revision_count"] = 7, ["hole_count"] = 2 }),
            await SqlRows.InsertSessionAsync(owner));
        await ChildRows.InsertAsync(owner, "session_revisions", counted, 1, 3);
        await ChildRows.InsertAsync(owner, "session_drafts", counted, 1, 2);
        await ChildRows.InsertAsync(owner, "hole_resolutions", wrong, 1, 1);
        var updatedAt = await UpdatedAtAsync(owner);

        await migrator.MigrateAsync(TriggersMigration);

        Assert.Multiple(async () =>
        {
            Assert.That(await ChildRows.CountersAsync(owner, counted), Is.EqualTo((3, 2, 0)));
            Assert.That(await ChildRows.CountersAsync(owner, wrong), Is.EqualTo((0, 0, 1)));
            Assert.That(await ChildRows.CountersAsync(owner, empty), Is.EqualTo((0, 0, 0)));
            Assert.That(await UpdatedAtAsync(owner), Is.EqualTo(updatedAt));
        });
    }

    [Test]
    public async Task Down_keeps_the_updated_at_function_while_another_table_uses_it()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var owner = await database.OpenOwnerConnectionAsync())
        {
            // A host that borrowed the library's function for a table of its own.
            await owner.ExecuteAsync("""
                CREATE TABLE host_notes (id int PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());
                CREATE TRIGGER host_notes_updated_at BEFORE UPDATE ON host_notes FOR EACH ROW EXECUTE FUNCTION liftsys_sessions_set_updated_at();
                """);
        }

        await using var context = database.CreateOwnerContext();
        await context.GetService<IMigrator>().MigrateAsync(RlsMigration);

        await using var connection = await database.OpenOwnerConnectionAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await connection.ScalarAsync<bool>("SELECT to_regprocedure('liftsys_sessions_set_updated_at()') IS NOT NULL"), Is.True);
            Assert.That(await connection.ScalarAsync<bool>("SELECT to_regprocedure('update_session_revision_count()') IS NULL"), Is.True);
            Assert.That(await connection.ScalarAsync<long>(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'trigger_sessions_updated_at'"), Is.Zero);
        });
    }

    /// <summary>Counts the library's non-internal triggers, its four trigger functions and the views in public.</summary>
    private static async Task<(long Triggers, long Functions, long Views)> ObjectsAsync(TestDatabase database)
    {
        await using var connection = await database.OpenOwnerConnectionAsync();
        var counts = await connection.ScalarAsync<long[]>(
            """
            SELECT ARRAY[
                (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
                (SELECT count(*) FROM pg_proc WHERE proname = ANY($1) AND pronamespace = 'public'::regnamespace),
                (SELECT count(*) FROM pg_views WHERE schemaname = 'public')]
            """,
            [Functions]);
        return (counts![0], counts[1], counts[2]);
    }

    private static async Task<DateTime[]> UpdatedAtAsync(NpgsqlConnection connection) =>
        (await connection.ScalarAsync<DateTime[]>("SELECT array_agg(updated_at ORDER BY id) FROM sessions"))!;
}
