using System.Text.RegularExpressions;
using LiftSys.Sessions.EfCore;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.Cli.Tests;

public partial class ExportSupabaseCommandTests
{
    private static readonly string[] SchemaTables = ["sessions", "session_revisions", "session_drafts", "hole_resolutions"];

    private string scratchDirectory = null!;

    [SetUp]
    public void CreateScratchDirectory()
    {
        scratchDirectory = Path.Combine(Path.GetTempPath(), $"liftsys-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratchDirectory);
    }

    [TearDown]
    public void DeleteScratchDirectory() => Directory.Delete(scratchDirectory, recursive: true);

    [Test]
    public async Task ExportSupabase_always_writes_one_supabase_named_file_per_migration_in_order()
    {
        // Arrange
        var migrationIds = KnownMigrations.Ids();

        // Act
        var result = await CliRunner.RunAsync("export-supabase", "--output", scratchDirectory);

        // Assert
        var fileNames = FileNamesIn(scratchDirectory);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(result.Error, Is.Empty);
            Assert.That(fileNames, Has.Count.EqualTo(migrationIds.Count));
            Assert.That(fileNames, Has.All.Match(SupabaseFileName()));

            // The Supabase CLI applies files in name order and records the digits as the version: EF's order and ids.
            Assert.That(fileNames.Select(name => name[..14]), Is.EqualTo(migrationIds.Select(id => id[..14])));
        });
    }

    [Test]
    public async Task ExportSupabase_each_file_holds_only_its_own_migration_and_records_it()
    {
        // Arrange
        var migrationIds = KnownMigrations.Ids();
        Assume.That(migrationIds, Is.Not.Empty, "no migrations have been written yet");

        // Act
        var result = await CliRunner.RunAsync("export-supabase", "--output", scratchDirectory);

        // Assert
        var files = FileNamesIn(scratchDirectory);
        Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
        Assert.That(files, Has.Count.EqualTo(migrationIds.Count));
        for (var i = 0; i < migrationIds.Count; i++)
        {
            var sql = await File.ReadAllTextAsync(Path.Combine(scratchDirectory, files[i]));
            var id = migrationIds[i];
            Assert.Multiple(() =>
            {
                Assert.That(
                    sql,
                    Does.Match($@"INSERT INTO {SessionsDbContext.MigrationsHistoryTable} \(""MigrationId"", ""ProductVersion""\)\s+VALUES \('{id}', '[^']+'\);\s*$"),
                    $"{files[i]} must end by recording {id}, as EF does after running it");
                foreach (var other in migrationIds.Where(other => other != id))
                {
                    Assert.That(sql, Does.Not.Contain($"'{other}'"), $"{files[i]} must not hold migration {other}");
                }

                // The Supabase CLI runs each file in a transaction of its own; a COMMIT inside would end that early.
                Assert.That(sql, Does.Not.Contain("START TRANSACTION").And.Not.Contain("COMMIT;"), files[i]);
            });
        }
    }

    [Test]
    public async Task ExportSupabase_first_file_only_creates_the_history_table()
    {
        // Arrange
        Assume.That(KnownMigrations.Ids(), Is.Not.Empty, "no migrations have been written yet");
        var createHistoryTable = $"CREATE TABLE IF NOT EXISTS {SessionsDbContext.MigrationsHistoryTable}";

        // Act
        var result = await CliRunner.RunAsync("export-supabase", "--output", scratchDirectory);

        // Assert
        var files = FileNamesIn(scratchDirectory);
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(await File.ReadAllTextAsync(Path.Combine(scratchDirectory, files[0])), Does.Contain(createHistoryTable));
            foreach (var later in files.Skip(1))
            {
                Assert.That(await File.ReadAllTextAsync(Path.Combine(scratchDirectory, later)), Does.Not.Contain(createHistoryTable), later);
            }
        });
    }

    [Test]
    public async Task ExportSupabase_existing_files_overwrites_same_names_and_leaves_others_alone()
    {
        // Arrange
        var migrationIds = KnownMigrations.Ids();
        Assume.That(migrationIds, Is.Not.Empty, "no migrations have been written yet");
        var stale = Path.Combine(scratchDirectory, SupabaseMigrationFileName.For(migrationIds[0]));
        var foreign = Path.Combine(scratchDirectory, "20200101000000_host_owned_table.sql");
        await File.WriteAllTextAsync(stale, "-- stale export");
        await File.WriteAllTextAsync(foreign, "CREATE TABLE host_owned (id int);");

        // Act
        var result = await CliRunner.RunAsync("export-supabase", "--output", scratchDirectory);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(await File.ReadAllTextAsync(stale), Does.Not.Contain("stale").And.Contain($"'{migrationIds[0]}'"));
            Assert.That(await File.ReadAllTextAsync(foreign), Is.EqualTo("CREATE TABLE host_owned (id int);"));
            Assert.That(FileNamesIn(scratchDirectory), Has.Count.EqualTo(migrationIds.Count + 1));
        });
    }

    [Test]
    public async Task ExportSupabase_twice_writes_the_same_bytes()
    {
        // Arrange
        var first = Path.Combine(scratchDirectory, "first");
        var second = Path.Combine(scratchDirectory, "second");
        await CliRunner.RunAsync("export-supabase", "--output", first);

        // Act
        var result = await CliRunner.RunAsync("export-supabase", "--output", second);

        // Assert
        Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
        Assert.That(FileNamesIn(second), Is.EqualTo(FileNamesIn(first)));
        foreach (var name in FileNamesIn(first))
        {
            Assert.That(
                await File.ReadAllBytesAsync(Path.Combine(second, name)),
                Is.EqualTo(await File.ReadAllBytesAsync(Path.Combine(first, name))),
                $"{name} differs between two exports of the same migrations");
        }
    }

    [Test]
    public async Task ExportSupabase_missing_directory_creates_it_and_says_where()
    {
        // Arrange
        var nested = Path.Combine(scratchDirectory, "app", "supabase", "migrations");

        // Act
        var result = await CliRunner.RunAsync("export-supabase", "-o", nested);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(FileNamesIn(nested), Has.Count.EqualTo(KnownMigrations.Ids().Count));
            Assert.That(result.Output, Does.Contain(nested));
        });
    }

    [Test]
    public async Task ExportSupabase_help_names_the_supabase_cli_directory_as_default()
    {
        // Arrange
        string[] args = ["export-supabase", "--help"];

        // Act
        var result = await CliRunner.RunAsync(args);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(result.Output, Does.Contain("--output").And.Contain("supabase/migrations"));
        });
    }

    [Test]
    public async Task ExportSupabase_files_applied_like_the_supabase_cli_create_the_schema_that_list_reports_applied()
    {
        // Arrange
        var migrationIds = KnownMigrations.Ids();
        Assume.That(migrationIds, Is.Not.Empty, "no migrations have been written yet");
        var export = await CliRunner.RunAsync("export-supabase", "--output", scratchDirectory);
        Assert.That(export.ExitCode, Is.EqualTo(CliApp.Success), export.Error);
        await using var database = await TestDatabase.CreateAsync(migrated: false);

        // Act: as `supabase db push` does — as the owner, file by file in name order, each in one transaction.
        await using (var connection = await database.OpenOwnerConnectionAsync())
        {
            foreach (var name in FileNamesIn(scratchDirectory))
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await connection.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(scratchDirectory, name)));
                await transaction.CommitAsync();
            }
        }

        // Assert
        string[] tables;
        string[] recorded;
        await using (var connection = await database.OpenOwnerConnectionAsync())
        {
            tables = await connection.ScalarAsync<string[]>(
                "SELECT array_agg(tablename::text) FROM pg_tables WHERE schemaname = 'public'") ?? [];
            recorded = await connection.ScalarAsync<string[]>(
                $"SELECT array_agg(\"MigrationId\"::text ORDER BY \"MigrationId\") FROM {SessionsDbContext.MigrationsHistoryTable}") ?? [];
        }

        var list = await CliRunner.RunAsync("list", "--connection", database.OwnerConnectionString);
        Assert.Multiple(() =>
        {
            Assert.That(tables, Is.SupersetOf(SchemaTables));
            Assert.That(recorded, Is.EqualTo(migrationIds));
            Assert.That(list.ExitCode, Is.EqualTo(CliApp.Success), list.Error);
            Assert.That(list.Output, Does.Contain($"{migrationIds.Count} applied, 0 pending."));
            Assert.That(list.Output, Does.Not.Contain("not known to this version"));
        });
    }

    private static List<string> FileNamesIn(string directory) =>
        [.. Directory.EnumerateFiles(directory).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"^\d{14}_[a-z0-9_]+\.sql$")]
    private static partial Regex SupabaseFileName();
}
