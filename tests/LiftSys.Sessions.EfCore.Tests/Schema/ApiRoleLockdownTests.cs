using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.EfCore.Tests.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Schema;

/// <summary>
/// No apply path ever leaves a library table or view open to Supabase's API roles without its policies: on a database
/// whose default privileges grant <c>anon</c>, <c>authenticated</c> and <c>service_role</c> everything on new relations
/// in <c>public</c> (as Supabase's do), stopped after every single migration, nothing is readable or writable by
/// <c>anon</c> or by a signed-in user beyond what the policies allow.
/// </summary>
public sealed class ApiRoleLockdownTests
{
    /// <summary>How a deployment applies the migrations, each committing one migration at a time.</summary>
    public enum ApplyPath
    {
        /// <summary>EF's Migrate (the CLI's <c>migrate</c>, <c>MigrateLiftSysSessionsAsync</c>).</summary>
        Migrate,

        /// <summary>The CLI's <c>script</c>: EF's idempotent script, one transaction per migration.</summary>
        IdempotentScript,

        /// <summary>The CLI's <c>export-supabase</c> files, each run in a transaction of its own by <c>supabase db push</c>.</summary>
        SupabaseFiles,
    }

    [TestCase(ApplyPath.Migrate)]
    [TestCase(ApplyPath.IdempotentScript)]
    [TestCase(ApplyPath.SupabaseFiles)]
    public async Task Apply_path_stopped_after_any_migration_leaves_nothing_open_to_the_api_roles(ApplyPath path)
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await GrantApiRolesEverythingByDefaultAsync(database);
        Assert.That(await DefaultPrivilegesOpenNewTablesAsync(database), Is.True, "the database must be as open as Supabase's");
        var stranger = Guid.NewGuid();

        var findings = new List<string>();
        string? previous = null;
        foreach (var id in MigrationIds())
        {
            await ApplyAsync(database, path, previous, id);
            await SeedAsync(database, stranger);
            findings.AddRange((await CatalogFindingsAsync(database)).Select(f => $"after {id}: {f}"));
            findings.AddRange((await AttemptFindingsAsync(database, Actor.Anonymous, stranger)).Select(f => $"after {id}, as anon: {f}"));
            findings.AddRange((await AttemptFindingsAsync(database, Actor.Owner, stranger)).Select(f => $"after {id}, as a user: {f}"));
            previous = id;
        }

        Assert.That(findings, Is.Empty);
    }

    [Test]
    [NonParallelizable] // renames the cluster-wide API roles inside a transaction it rolls back
    public async Task Table_migrations_apply_where_the_api_roles_do_not_exist_yet()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        var ids = MigrationIds();
        string script;
        using (var context = database.CreateOwnerContext())
        {
            // Inside the idempotent script's DO blocks, as the CLI's `script` runs them; plain PostgreSQL before 005.
            script = context.GetService<IMigrator>().GenerateScript(
                null, ids[3], MigrationsSqlGenerationOptions.Idempotent | MigrationsSqlGenerationOptions.NoTransactions);
        }

        await using var connection = await database.OpenSuperuserConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var role in new[] { "anon", "authenticated", "service_role" })
        {
            await connection.ExecuteAsync($"ALTER ROLE {role} RENAME TO {role}_hidden_by_test");
        }

        await connection.ExecuteAsync($"SET LOCAL ROLE {PostgresServer.OwnerRole}");
        await connection.ExecuteAsync(script);
        var closed = await connection.ScalarAsync<string[]>("""
            SELECT array_agg(relname::text ORDER BY relname) FROM pg_class
            WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relrowsecurity
              AND NOT has_table_privilege('public', oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
            """);
        await transaction.RollbackAsync();

        Assert.That(closed, Is.EqualTo(new[]
        {
            SessionsDbContext.MigrationsHistoryTable, "hole_resolutions", "session_drafts", "session_revisions", "sessions",
        }));
    }

    [Test]
    public async Task Databases_migrated_by_the_earlier_001_to_007_end_as_fresh_ones_do()
    {
        await using var fresh = await TestDatabase.CreateAsync(migrated: false);
        await using var upgraded = await TestDatabase.CreateAsync(migrated: false);
        await GrantApiRolesEverythingByDefaultAsync(fresh);
        await GrantApiRolesEverythingByDefaultAsync(upgraded);
        var ids = MigrationIds();

        await MigrateAsync(fresh, null);

        // The earlier 001-004 left the tables (and the history table) with row-level security off and the default
        // privileges' grants in place until 005 replaced them.
        await MigrateAsync(upgraded, ids[3]);
        await using (var owner = await upgraded.OpenOwnerConnectionAsync())
        {
            foreach (var table in SchemaV1.Tables.Append(SessionsDbContext.MigrationsHistoryTable))
            {
                await owner.ExecuteAsync($"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY; GRANT ALL ON TABLE {table} TO anon, authenticated, service_role");
            }
        }

        await MigrateAsync(upgraded, ids[6]);
        var upgradedBefore008 = await SecurityStateAsync(upgraded);
        await MigrateAsync(upgraded, null);

        var expected = await SecurityStateAsync(fresh);
        Assert.Multiple(async () =>
        {
            Assert.That(await SecurityStateAsync(upgraded), Is.EqualTo(expected));
            Assert.That(upgradedBefore008, Is.Not.EqualTo(expected), "migration 008 must be what brings the upgraded database there");
        });
    }

    private static string[] MigrationIds()
    {
        using var context = SessionsDbContextFactory.Create("Host=unused");
        return [.. context.Database.GetMigrations()];
    }

    private static async Task MigrateAsync(TestDatabase database, string? target)
    {
        await using var context = database.CreateOwnerContext();
        await context.GetService<IMigrator>().MigrateAsync(target);
    }

    private static async Task ApplyAsync(TestDatabase database, ApplyPath path, string? previous, string id)
    {
        if (path == ApplyPath.Migrate)
        {
            await MigrateAsync(database, id);
            return;
        }

        string script;
        using (var context = database.CreateOwnerContext())
        {
            script = context.GetService<IMigrator>().GenerateScript(
                previous,
                id,
                path == ApplyPath.IdempotentScript ? MigrationsSqlGenerationOptions.Idempotent : MigrationsSqlGenerationOptions.NoTransactions);
        }

        await using var connection = await database.OpenOwnerConnectionAsync();
        await connection.ExecuteAsync(path == ApplyPath.SupabaseFiles ? $"BEGIN;\n{script}\nCOMMIT;" : script);
    }

    /// <summary>What Supabase's images set for the role that runs migrations (supabase/postgres, default privileges in public).</summary>
    private static async Task GrantApiRolesEverythingByDefaultAsync(TestDatabase database)
    {
        await using var connection = await database.OpenSuperuserConnectionAsync();
        await connection.ExecuteAsync($"""
            ALTER DEFAULT PRIVILEGES FOR ROLE {PostgresServer.OwnerRole} IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
            ALTER DEFAULT PRIVILEGES FOR ROLE {PostgresServer.OwnerRole} IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
            ALTER DEFAULT PRIVILEGES FOR ROLE {PostgresServer.OwnerRole} IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
            GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
            """);
    }

    private static async Task<bool> DefaultPrivilegesOpenNewTablesAsync(TestDatabase database)
    {
        await using var owner = await database.OpenOwnerConnectionAsync();
        await using var transaction = await owner.BeginTransactionAsync();
        await owner.ExecuteAsync("CREATE TABLE probe_of_default_privileges (id int)");
        var open = await owner.ScalarAsync<bool>("SELECT has_table_privilege('anon', 'probe_of_default_privileges', 'SELECT, INSERT')");
        await transaction.RollbackAsync();
        return open;
    }

    /// <summary>Another user's rows, written as the owner (whom row-level security does not restrict), in every table that exists.</summary>
    private static async Task SeedAsync(TestDatabase database, Guid stranger)
    {
        await using var owner = await database.OpenOwnerConnectionAsync();
        if (!await owner.ScalarAsync<bool>("SELECT to_regclass('sessions') IS NOT NULL"))
        {
            return;
        }

        var session = await SqlRows.InsertSessionAsync(owner, stranger);
        var number = await owner.ScalarAsync<int>("SELECT count(*)::int + 1 FROM sessions WHERE user_id = $1", stranger);
        if (await owner.ScalarAsync<bool>("SELECT to_regclass('session_revisions') IS NOT NULL"))
        {
            await SqlRows.InsertRevisionAsync(owner, session, number);
        }

        if (await owner.ScalarAsync<bool>("SELECT to_regclass('session_drafts') IS NOT NULL"))
        {
            await SqlRows.InsertDraftAsync(owner, session, number);
        }

        if (await owner.ScalarAsync<bool>("SELECT to_regclass('hole_resolutions') IS NOT NULL"))
        {
            await SqlRows.InsertResolutionAsync(owner, session, $"hole-{number}");
        }
    }

    /// <summary>
    /// Privileges that would open a relation without policies: any for PUBLIC or anon; for authenticated, any on a table
    /// without row-level security or without a policy for it, any that row-level security does not govern (TRUNCATE,
    /// REFERENCES, TRIGGER), any on the history table, and anything but SELECT on a security_invoker view.
    /// </summary>
    private static async Task<List<string>> CatalogFindingsAsync(TestDatabase database)
    {
        await using var owner = await database.OpenOwnerConnectionAsync();
        var findings = await owner.ScalarAsync<string[]>($$"""
            WITH privileges AS (
                SELECT c.oid, c.relname, c.relkind, c.relrowsecurity, r.rolname,
                       coalesce(c.reloptions, '{}') @> '{security_invoker=true}' AS invoker,
                       array_remove(ARRAY[
                           CASE WHEN has_table_privilege(r.rolname, c.oid, 'SELECT') THEN 'SELECT' END,
                           CASE WHEN has_table_privilege(r.rolname, c.oid, 'INSERT') THEN 'INSERT' END,
                           CASE WHEN has_table_privilege(r.rolname, c.oid, 'UPDATE') THEN 'UPDATE' END,
                           CASE WHEN has_table_privilege(r.rolname, c.oid, 'DELETE') THEN 'DELETE' END,
                           CASE WHEN has_table_privilege(r.rolname, c.oid, 'TRUNCATE') THEN 'TRUNCATE' END,
                           CASE WHEN has_table_privilege(r.rolname, c.oid, 'REFERENCES') THEN 'REFERENCES' END,
                           CASE WHEN has_table_privilege(r.rolname, c.oid, 'TRIGGER') THEN 'TRIGGER' END,
                           CASE WHEN has_any_column_privilege(r.rolname, c.oid, 'INSERT') THEN 'INSERT (columns)' END,
                           CASE WHEN has_any_column_privilege(r.rolname, c.oid, 'UPDATE') THEN 'UPDATE (columns)' END], NULL) AS granted
                FROM pg_class c CROSS JOIN unnest(ARRAY['public', 'anon', 'authenticated']) AS r(rolname)
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
            )
            SELECT coalesce(array_agg(format('%s has %s on %s', rolname, granted, relname) ORDER BY relname, rolname), '{}')
            FROM privileges p
            WHERE cardinality(granted) > 0
              AND (rolname <> 'authenticated'
                   OR relname = '{{SessionsDbContext.MigrationsHistoryTable}}'
                   OR granted && ARRAY['TRUNCATE', 'REFERENCES', 'TRIGGER']
                   OR (relkind = 'v' AND (NOT invoker OR granted <> ARRAY['SELECT']))
                   OR (relkind <> 'v' AND (NOT relrowsecurity OR NOT EXISTS (
                          SELECT FROM pg_policy pol WHERE pol.polrelid = p.oid AND 'authenticated'::regrole = ANY (pol.polroles)))))
            """);
        return [.. findings!];
    }

    /// <summary>Real reads and writes of every library relation; each must be refused or see and touch nothing of the stranger's.</summary>
    private static async Task<List<string>> AttemptFindingsAsync(TestDatabase database, Actor actor, Guid stranger)
    {
        await using var owner = await database.OpenOwnerConnectionAsync();
        var relations = await owner.ScalarAsync<string[]>("""
            SELECT coalesce(array_agg(relname::text ORDER BY relname), '{}') FROM pg_class
            WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v')
            """);
        var strangersSession = await owner.ScalarAsync<Guid?>(
            "SELECT id FROM sessions WHERE user_id = $1 LIMIT 1", stranger) is { } id && id != Guid.Empty ? id : (Guid?)null;

        await using var connection = await ActorConnections.OpenAsync(database, actor, Guid.NewGuid(), stranger);
        var findings = new List<string>();
        foreach (var relation in relations!)
        {
            foreach (var (what, sql, parameters) in Attempts(relation, stranger, strangersSession))
            {
                await using var transaction = await connection.BeginTransactionAsync();
                try
                {
                    var seen = what == "SELECT"
                        ? await connection.ScalarAsync<long>(sql, parameters)
                        : await connection.ExecuteAsync(sql, parameters);
                    if (seen != 0)
                    {
                        findings.Add($"{what} on {relation} reached {seen} row(s)");
                    }
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                {
                    // Refused: by a missing privilege, or by a policy's WITH CHECK.
                }
                catch (PostgresException ex)
                {
                    findings.Add($"{what} on {relation} got past the privileges to fail with {ex.SqlState}: {ex.MessageText}");
                }
                finally
                {
                    await transaction.RollbackAsync();
                }
            }
        }

        return findings;
    }

    private static IEnumerable<(string What, string Sql, object?[] Parameters)> Attempts(string relation, Guid stranger, Guid? session)
    {
        yield return ("SELECT", $"SELECT count(*) FROM {relation}", []);
        if (relation == SessionsDbContext.MigrationsHistoryTable)
        {
            yield return ("INSERT", $"INSERT INTO {relation} (\"MigrationId\", \"ProductVersion\") VALUES ('20251019120099_Forged', 'x')", []);
            yield return ("UPDATE", $"UPDATE {relation} SET \"ProductVersion\" = 'x'", []);
            yield return ("DELETE", $"DELETE FROM {relation}", []);
            yield break;
        }

        if (!SchemaV1.Tables.Contains(relation))
        {
            yield break; // a view: read only
        }

        yield return ("UPDATE", $"UPDATE {relation} SET metadata = '{{\"touched\":true}}'", []);
        yield return ("DELETE", $"DELETE FROM {relation}", []);
        yield return relation switch
        {
            "sessions" => ("INSERT", "INSERT INTO sessions (user_id, original_input) VALUES ($1, 'forged')", [stranger]),
            "session_revisions" => ("INSERT",
                "INSERT INTO session_revisions (session_id, revision_number, source, ir_content) VALUES ($1, 999, 'refinement', '{}')", [session]),
            "session_drafts" => ("INSERT",
                "INSERT INTO session_drafts (session_id, draft_number, source, code_content) VALUES ($1, 999, 'user_edit', 'x')", [session]),
            _ => ("INSERT",
                "INSERT INTO hole_resolutions (session_id, hole_id, hole_type, resolution_method, resolved_value) VALUES ($1, 'forged', 'type', 'default', '1')",
                [session]),
        };
    }

    /// <summary>Row-level security flags, table and column ACLs and policies of every relation in public, one line each.</summary>
    private static async Task<string?> SecurityStateAsync(TestDatabase database)
    {
        await using var owner = await database.OpenOwnerConnectionAsync();
        return await owner.ScalarAsync<string>("""
            SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                SELECT format('%s rls=%s force=%s acl=%s', c.relname, c.relrowsecurity, c.relforcerowsecurity,
                              (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(c.relacl) a)) AS line
                FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')
                UNION ALL
                SELECT format('%s.%s acl=%s', c.relname, a.attname, (SELECT array_agg(x::text ORDER BY x::text) FROM unnest(a.attacl) x))
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                WHERE c.relnamespace = 'public'::regnamespace AND a.attacl IS NOT NULL
                UNION ALL
                SELECT format('policy %s %s %s %s %s %s', tablename, policyname, cmd, roles, qual, with_check)
                FROM pg_policies WHERE schemaname = 'public'
            ) s
            """);
    }
}
