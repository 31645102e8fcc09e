using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>Migration 005: the auth shim, the API roles, and what its Down leaves behind.</summary>
[NonParallelizable] // one test renames a cluster-wide role inside a transaction it rolls back
public sealed class RlsMigrationTests
{
    private const string RlsMigration = "20251019120005_CreateRlsPolicies";
    private const string PreviousMigration = "20251019120004_CreateResolutionsTable";

    [TestCase("", "", null)]
    [TestCase("", """{"sub":"6a1c1a52-0d8e-4b3a-9f55-1d4c7d0b9f10"}""", "6a1c1a52-0d8e-4b3a-9f55-1d4c7d0b9f10")]
    [TestCase("0b0c5d3e-6b59-4c8a-8c84-3f06a2b9f2a1", """{"sub":"6a1c1a52-0d8e-4b3a-9f55-1d4c7d0b9f10"}""", "0b0c5d3e-6b59-4c8a-8c84-3f06a2b9f2a1")]
    [TestCase("", """{"role":"anon"}""", null)]
    public async Task Auth_uid_reads_claim_sub_first_then_claims_and_treats_empty_as_null(string claimSub, string claims, string? expected)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.OpenOwnerConnectionAsync();
        await connection.ExecuteAsync(
            "SELECT set_config('request.jwt.claim.sub', $1, false), set_config('request.jwt.claims', $2, false)", claimSub, claims);

        var uid = await connection.ScalarAsync<Guid?>("SELECT auth.uid()");

        Assert.That(uid, Is.EqualTo(expected is null ? null : Guid.Parse(expected)));
    }

    [Test]
    public async Task Auth_role_and_jwt_read_the_claims()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.OpenOwnerConnectionAsync();
        await connection.ExecuteAsync("SELECT set_config('request.jwt.claims', $1, false)", """{"role":"authenticated","email":"a@b.c"}""");

        var role = await connection.ScalarAsync<string>("SELECT auth.role()");
        var email = await connection.ScalarAsync<string>("SELECT auth.jwt() ->> 'email'");

        Assert.That((role, email), Is.EqualTo(("authenticated", "a@b.c")));
    }

    [Test]
    public async Task Existing_supabase_auth_functions_are_left_alone_by_up_and_down()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using (var superuser = await database.OpenSuperuserConnectionAsync())
        {
            // As on Supabase: auth belongs to another role, holds all three functions, and the migrating role may use it.
            await superuser.ExecuteAsync($"""
                CREATE SCHEMA auth;
                GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role, {PostgresServer.OwnerRole};
                CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT 'f0f0f0f0-0000-0000-0000-000000000001'::uuid $$;
                CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'supabase-role' $$;
                CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$ SELECT jsonb_build_object() $$;
                COMMENT ON FUNCTION auth.uid() IS 'supabase';
                """);
        }

        await using var context = database.CreateOwnerContext();
        var migrator = context.GetService<IMigrator>();
        await migrator.MigrateAsync();
        var afterUp = await UidSourceAsync(database);
        await migrator.MigrateAsync(PreviousMigration);
        var afterDown = await UidSourceAsync(database);

        Assert.Multiple(() =>
        {
            Assert.That(afterUp, Does.Contain("f0f0f0f0-0000-0000-0000-000000000001"));
            Assert.That(afterDown, Is.EqualTo(afterUp));
        });
    }

    [Test]
    public async Task Down_removes_policies_grants_and_its_own_shim_and_leaves_the_tables_closed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var context = database.CreateOwnerContext();

        await context.GetService<IMigrator>().MigrateAsync(PreviousMigration);

        await using var connection = await database.OpenOwnerConnectionAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await connection.ScalarAsync<long>("SELECT count(*) FROM pg_policy"), Is.Zero);
            Assert.That(await connection.ScalarAsync<string[]>(
                "SELECT array_agg(relname::text ORDER BY relname) FROM pg_class WHERE relrowsecurity AND relnamespace = 'public'::regnamespace"),
                Is.EqualTo(new[] { SessionsDbContext.MigrationsHistoryTable, "hole_resolutions", "session_drafts", "session_revisions", "sessions" }),
                "as migrations 001-004 (and the history table) create them");
            Assert.That(await connection.ScalarAsync<long>("""
                SELECT count(*) FROM pg_class c CROSS JOIN unnest(ARRAY['anon', 'authenticated', 'service_role']) r
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
                  AND has_table_privilege(r, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                """), Is.Zero);
            Assert.That(await connection.ScalarAsync<string>("SELECT to_regprocedure('auth.uid()')::text"), Is.Null);
            Assert.That(await connection.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = 'auth'"), Is.Zero);
            Assert.That(await connection.ScalarAsync<long>(
                "SELECT count(*) FROM pg_constraint WHERE conname LIKE '%same_session%'"), Is.Zero);
        });
    }

    [Test]
    public async Task Row_level_security_is_enabled_on_every_table_with_four_policies_each_for_authenticated()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.OpenOwnerConnectionAsync();

        var enabled = await connection.ScalarAsync<string[]>(
            "SELECT array_agg(relname::text ORDER BY relname) FROM pg_class WHERE relrowsecurity AND relnamespace = 'public'::regnamespace");
        var policies = await connection.ScalarAsync<string[]>("""
            SELECT array_agg(format('%s:%s:%s', tablename, cmd, array_to_string(roles, ',')) ORDER BY tablename, cmd)
            FROM pg_policies WHERE schemaname = 'public'
            """);
        var perRowCalls = await connection.ScalarAsync<long>("""
            SELECT count(*) FROM pg_policies
            WHERE (coalesce(qual, '') || coalesce(with_check, '')) ~ 'auth\.uid\(\)' AND NOT (coalesce(qual, '') || coalesce(with_check, '')) ~ 'SELECT auth\.uid\(\)'
            """);

        Assert.Multiple(() =>
        {
            Assert.That(enabled, Is.EqualTo(new[]
            {
                SessionsDbContext.MigrationsHistoryTable, "hole_resolutions", "session_drafts", "session_revisions", "sessions",
            }));
            Assert.That(policies, Is.EqualTo(
                from table in new[] { "hole_resolutions", "session_drafts", "session_revisions", "sessions" }
                from cmd in new[] { "DELETE", "INSERT", "SELECT", "UPDATE" }
                select $"{table}:{cmd}:authenticated"));
            Assert.That(perRowCalls, Is.Zero, "auth.uid() is always wrapped in a sub-select (Supabase lint 0003)");
        });
    }

    [Test]
    public async Task Missing_api_roles_fail_for_a_non_superuser_with_the_statements_a_superuser_must_run()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using (var owner = database.CreateOwnerContext())
        {
            await owner.GetService<IMigrator>().MigrateAsync(PreviousMigration);
        }

        string script;
        await using (var context = database.CreateOwnerContext())
        {
            script = context.GetService<IMigrator>().GenerateScript(PreviousMigration, RlsMigration, MigrationsSqlGenerationOptions.NoTransactions);
        }

        // The rename is visible only inside this transaction, which is rolled back: the cluster's roles are untouched.
        await using var connection = await database.OpenSuperuserConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("ALTER ROLE service_role RENAME TO service_role_hidden_by_test");
        await connection.ExecuteAsync($"SET LOCAL ROLE {PostgresServer.OwnerRole}");

        var ex = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(script));
        await transaction.RollbackAsync();

        Assert.Multiple(() =>
        {
            Assert.That(ex!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(ex.MessageText, Does.Contain("needs the roles anon, authenticated and service_role").And.Contain(PostgresServer.OwnerRole));
            Assert.That(ex.Hint, Does.Contain("CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;").And.Not.Contain("CREATE ROLE anon"));
        });
    }

    private static async Task<string?> UidSourceAsync(TestDatabase database)
    {
        await using var connection = await database.OpenSuperuserConnectionAsync();
        return await connection.ScalarAsync<string>("SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure('auth.uid()')");
    }
}
