using System.Text.RegularExpressions;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.Cli.Tests;

/// <summary><c>migrate</c> and <c>list</c> against a real, empty PostgreSQL database.</summary>
public class MigrateCommandDatabaseTests
{
    private static readonly string[] SchemaTables = ["sessions", "session_revisions", "session_drafts", "hole_resolutions"];

    [Test]
    public async Task Migrate_empty_database_applies_every_migration_and_list_reports_each_applied()
    {
        // Arrange
        var migrationIds = KnownMigrations.Ids();
        Assume.That(migrationIds, Is.Not.Empty, "no migrations have been written yet");
        await using var database = await TestDatabase.CreateAsync(migrated: false);

        // Act
        var migrate = await CliRunner.RunAsync("migrate", "--connection", database.OwnerConnectionString);
        var list = await CliRunner.RunAsync("list", "--connection", database.OwnerConnectionString);

        // Assert
        string[] tables;
        await using (var connection = await database.OpenOwnerConnectionAsync())
        {
            tables = await connection.ScalarAsync<string[]>(
                "SELECT array_agg(tablename::text) FROM pg_tables WHERE schemaname = 'public'") ?? [];
        }

        Assert.Multiple(() =>
        {
            Assert.That(migrate.ExitCode, Is.EqualTo(CliApp.Success), migrate.Error);
            Assert.That(migrate.Output, Does.Contain($"Done: {migrationIds.Count} migration(s) run."));
            Assert.That(list.ExitCode, Is.EqualTo(CliApp.Success), list.Error);
            Assert.That(list.Output, Does.Contain($"{migrationIds.Count} applied, 0 pending."));
            Assert.That(tables, Is.SupersetOf(SchemaTables));
            foreach (var id in migrationIds)
            {
                Assert.That(migrate.Output, Does.Contain($"Applying {id}"), $"migrate should report applying {id}");
                Assert.That(
                    Regex.IsMatch(list.Output, $@"^{Regex.Escape(id)}\s+applied\r?$", RegexOptions.Multiline),
                    Is.True,
                    $"list should report {id} applied; it printed:{Environment.NewLine}{list.Output}");
            }
        });
    }

    [Test]
    public async Task Migrate_database_already_up_to_date_runs_nothing()
    {
        // Arrange
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        var first = await CliRunner.RunAsync("migrate", "--connection", database.OwnerConnectionString);
        Assert.That(first.ExitCode, Is.EqualTo(CliApp.Success), first.Error);

        // Act
        var second = await CliRunner.RunAsync("migrate", "--connection", database.OwnerConnectionString);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(second.ExitCode, Is.EqualTo(CliApp.Success), second.Error);
            Assert.That(second.Output, Does.Contain("The database is already up to date."));
            Assert.That(second.Output, Does.Not.Contain("Applying "));
        });
    }
}
