using LiftSys.Sessions.EfCore;

namespace LiftSys.Sessions.Cli.Tests;

public class ScriptCommandTests
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

    [Test]
    public async Task Script_without_database_prints_history_table_and_every_migration()
    {
        // Arrange
        var migrationIds = KnownMigrations.Ids();

        // Act
        var result = await CliRunner.RunAsync("script");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(result.Error, Is.Empty);
            Assert.That(
                result.Output,
                Does.Contain($"CREATE TABLE IF NOT EXISTS {SessionsDbContext.MigrationsHistoryTable}"));
            foreach (var id in migrationIds)
            {
                Assert.That(result.Output, Does.Contain($"'{id}'"), $"migration {id} is missing from the script");
            }
        });
    }

    [Test]
    public async Task Script_with_migrations_creates_sessions_table_guarded_by_history_check()
    {
        // Arrange
        Assume.That(KnownMigrations.Ids(), Is.Not.Empty, "no migrations have been written yet");

        // Act
        var result = await CliRunner.RunAsync("script");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(result.Output, Does.Contain("CREATE TABLE sessions"));
            Assert.That(result.Output, Does.Contain($"IF NOT EXISTS(SELECT 1 FROM {SessionsDbContext.MigrationsHistoryTable}"));
        });
    }

    [Test]
    public async Task Script_no_idempotent_omits_history_checks()
    {
        // Arrange
        Assume.That(KnownMigrations.Ids(), Is.Not.Empty, "no migrations have been written yet");

        // Act
        var result = await CliRunner.RunAsync("script", "--no-idempotent");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(result.Output, Does.Contain("CREATE TABLE sessions"));
            Assert.That(result.Output, Does.Not.Contain($"IF NOT EXISTS(SELECT 1 FROM {SessionsDbContext.MigrationsHistoryTable}"));
        });
    }

    [Test]
    public async Task Script_from_migration_name_starts_after_that_migration()
    {
        // Arrange
        var migrationIds = KnownMigrations.Ids();
        Assume.That(migrationIds, Is.Not.Empty, "no migrations have been written yet");
        var first = migrationIds[0];

        // Act
        var result = await CliRunner.RunAsync("script", "--from", KnownMigrations.NameOf(first));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(result.Output, Does.Not.Contain($"'{first}'"));
            foreach (var later in migrationIds.Skip(1))
            {
                Assert.That(result.Output, Does.Contain($"'{later}'"), $"migration {later} is missing from the script");
            }
        });
    }

    [Test]
    public async Task Script_output_writes_the_same_script_to_the_file()
    {
        // Arrange
        var file = Path.Combine(scratchDirectory, "schema.sql");
        var printed = await CliRunner.RunAsync("script");

        // Act
        var result = await CliRunner.RunAsync("script", "--output", file);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success), result.Error);
            Assert.That(await File.ReadAllTextAsync(file), Is.EqualTo(printed.Output));
            Assert.That(result.Output, Does.Not.Contain(SessionsDbContext.MigrationsHistoryTable));
        });
    }

    [Test]
    public async Task Script_unknown_to_migration_fails_naming_it()
    {
        // Arrange
        const string unknown = "NoSuchMigration";

        // Act
        var result = await CliRunner.RunAsync("script", "--to", unknown);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Failure));
            Assert.That(result.ErrorLines, Has.Count.EqualTo(1));
            Assert.That(result.Error, Does.StartWith("error: ").And.Contain(unknown));
            Assert.That(result.Output, Is.Empty);
        });
    }
}
