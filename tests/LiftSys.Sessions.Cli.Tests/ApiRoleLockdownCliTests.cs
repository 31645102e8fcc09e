using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.Cli.Tests;

/// <summary>
/// The CLI's own output, applied one migration at a time on a database whose default privileges grant Supabase's API
/// roles everything on new relations in <c>public</c> (as Supabase's do): stopped after any migration, nothing is
/// open to <c>anon</c> or <c>authenticated</c> without its policies.
/// </summary>
public sealed class ApiRoleLockdownCliTests
{
    private string scratchDirectory = null!;

    [SetUp]
    public void CreateScratchDirectory()
    {
        scratchDirectory = Path.Combine(Path.GetTempPath(), $"liftsys-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratchDirectory);
    }

    [TearDown]
    public void DeleteScratchDirectory() => Directory.Delete(scratchDirectory, recursive: true);

    [TestCase("script")]
    [TestCase("export-supabase")]
    public async Task Cli_output_applied_one_migration_at_a_time_never_leaves_a_relation_open_to_the_api_roles(string command)
    {
        // Arrange
        var migrationIds = KnownMigrations.Ids();
        Assume.That(migrationIds, Is.Not.Empty, "no migrations have been written yet");
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using (var superuser = await database.OpenSuperuserConnectionAsync())
        {
            await superuser.ExecuteAsync($"""
                ALTER DEFAULT PRIVILEGES FOR ROLE {PostgresServer.OwnerRole} IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
                GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
                """);
        }

        var steps = await StepsAsync(command, migrationIds);

        // Act
        var findings = new List<string>();
        foreach (var (id, sql) in steps)
        {
            await using (var owner = await database.OpenOwnerConnectionAsync())
            {
                await owner.ExecuteAsync(sql);
            }

            findings.AddRange((await OpenRelationsAsync(database)).Select(f => $"after {id}: {f}"));
            findings.AddRange((await ReadableByAnonAsync(database)).Select(f => $"after {id}: anon can read {f}"));
        }

        // Assert
        Assert.That(findings, Is.Empty);
    }

    /// <summary>One SQL text per migration, exactly as the command writes it (each export file in a transaction, as `supabase db push` runs it).</summary>
    private async Task<List<(string Id, string Sql)>> StepsAsync(string command, IReadOnlyList<string> migrationIds)
    {
        var steps = new List<(string, string)>();
        if (command == "export-supabase")
        {
            var export = await CliRunner.RunAsync("export-supabase", "--output", scratchDirectory);
            Assert.That(export.ExitCode, Is.EqualTo(CliApp.Success), export.Error);
            var files = Directory.EnumerateFiles(scratchDirectory).Order(StringComparer.Ordinal).ToList();
            for (var i = 0; i < files.Count; i++)
            {
                steps.Add((migrationIds[i], $"BEGIN;\n{await File.ReadAllTextAsync(files[i])}\nCOMMIT;"));
            }

            return steps;
        }

        string? previous = null;
        foreach (var id in migrationIds)
        {
            var file = Path.Combine(scratchDirectory, $"{id}.sql");
            string[] arguments = previous is null
                ? ["script", "--to", id, "--output", file]
                : ["script", "--from", previous, "--to", id, "--output", file];
            var script = await CliRunner.RunAsync(arguments);
            Assert.That(script.ExitCode, Is.EqualTo(CliApp.Success), script.Error);
            steps.Add((id, await File.ReadAllTextAsync(file)));
            previous = id;
        }

        return steps;
    }

    /// <summary>
    /// Relations in public on which PUBLIC or anon has any privilege, or authenticated has one without row-level
    /// security and a policy for it (tables) or without security_invoker (views), or any on the history table.
    /// </summary>
    private static async Task<string[]> OpenRelationsAsync(TestDatabase database)
    {
        await using var owner = await database.OpenOwnerConnectionAsync();
        return (await owner.ScalarAsync<string[]>("""
            SELECT coalesce(array_agg(format('%s on %s', r.rolname, c.relname) ORDER BY c.relname, r.rolname), '{}')
            FROM pg_class c CROSS JOIN unnest(ARRAY['public', 'anon', 'authenticated']) AS r(rolname)
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')
              AND (has_table_privilege(r.rolname, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                   OR has_any_column_privilege(r.rolname, c.oid, 'SELECT, INSERT, UPDATE'))
              AND (r.rolname <> 'authenticated'
                   OR c.relname = '__liftsys_sessions_migrations'
                   OR (c.relkind = 'v' AND NOT coalesce(c.reloptions, '{}') @> '{security_invoker=true}')
                   OR (c.relkind = 'r' AND (NOT c.relrowsecurity OR NOT EXISTS (
                          SELECT FROM pg_policy p WHERE p.polrelid = c.oid AND 'authenticated'::regrole = ANY (p.polroles)))))
            """))!;
    }

    /// <summary>Every relation in public that anon, through the application's login, can actually select from.</summary>
    private static async Task<List<string>> ReadableByAnonAsync(TestDatabase database)
    {
        await using var owner = await database.OpenOwnerConnectionAsync();
        var relations = await owner.ScalarAsync<string[]>(
            "SELECT coalesce(array_agg(relname::text), '{}') FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v')");

        await using var anon = new NpgsqlConnection(database.Server.AppConnectionString(database.Name));
        await anon.OpenAsync();
        await anon.ExecuteAsync("SELECT set_config('role', 'anon', false), set_config('request.jwt.claims', '{\"role\":\"anon\"}', false)");
        var readable = new List<string>();
        foreach (var relation in relations!)
        {
            try
            {
                await anon.ScalarAsync<long>($"SELECT count(*) FROM {relation}");
                readable.Add(relation);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                // Refused, as it must be.
            }
        }

        return readable;
    }
}
