using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LiftSys.Sessions.EfCore.Tests.Schema;

/// <summary>The hand-written migrations and snapshot: in step with the model, reversible, and scriptable.</summary>
public sealed class MigrationTests
{
    private static readonly string[] ExpectedMigrations =
    [
        "20251019120001_CreateSessionsTable",
        "20251019120002_CreateRevisionsTable",
        "20251019120003_CreateDraftsTable",
        "20251019120004_CreateResolutionsTable",
    ];

    [Test]
    public void HasPendingModelChanges_snapshot_matches_the_model()
    {
        using var context = SessionsDbContextFactory.Create("Host=unused");

        Assert.That(context.Database.HasPendingModelChanges(), Is.False);
    }

    [Test]
    public void GetMigrations_lists_the_spec_migrations_in_order()
    {
        using var context = SessionsDbContextFactory.Create("Host=unused");

        Assert.That(context.Database.GetMigrations().Take(ExpectedMigrations.Length), Is.EqualTo(ExpectedMigrations));
    }

    [Test]
    public async Task Migrate_up_down_to_zero_and_up_again_leaves_the_expected_tables_each_time()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using var context = database.CreateOwnerContext();
        var migrator = context.GetService<IMigrator>();

        await migrator.MigrateAsync();
        var afterUp = await TablesAsync(database);
        await migrator.MigrateAsync(Migration.InitialDatabase);
        var afterDown = await TablesAsync(database);
        await migrator.MigrateAsync();
        var afterUpAgain = await TablesAsync(database);

        Assert.Multiple(() =>
        {
            Assert.That(afterUp, Is.SupersetOf(SchemaV1.Tables));
            Assert.That(afterDown, Is.EqualTo(new[] { SessionsDbContext.MigrationsHistoryTable }));
            Assert.That(afterUpAgain, Is.EquivalentTo(afterUp));
        });
    }

    [Test]
    public async Task Each_migration_down_removes_only_what_its_up_added()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using var context = database.CreateOwnerContext();
        var migrator = context.GetService<IMigrator>();
        await migrator.MigrateAsync(ExpectedMigrations[^1]);

        var seen = new List<string[]>();
        for (var i = ExpectedMigrations.Length - 2; i >= 0; i--)
        {
            await migrator.MigrateAsync(ExpectedMigrations[i]);
            seen.Add(await TablesAsync(database));
        }

        Assert.That(seen, Is.EqualTo(new[]
        {
            new[] { SessionsDbContext.MigrationsHistoryTable, "session_drafts", "session_revisions", "sessions" },
            new[] { SessionsDbContext.MigrationsHistoryTable, "session_revisions", "sessions" },
            new[] { SessionsDbContext.MigrationsHistoryTable, "sessions" },
        }));
    }

    [Test]
    public async Task Idempotent_script_applies_twice_as_non_superuser_owner_and_records_every_migration()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        string script;
        using (var context = SessionsDbContextFactory.Create("Host=unused"))
        {
            script = context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        }

        await using var connection = await database.OpenOwnerConnectionAsync();
        Assert.That(await connection.ScalarAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"), Is.False);
        await connection.ExecuteAsync(script);
        await connection.ExecuteAsync(script);

        var applied = await connection.ScalarAsync<string[]>(
            $"SELECT array_agg(\"MigrationId\" ORDER BY \"MigrationId\") FROM {SessionsDbContext.MigrationsHistoryTable}");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(applied, Is.SupersetOf(ExpectedMigrations));
            Assert.That(await TablesAsync(database), Is.SupersetOf(SchemaV1.Tables));
        });
    }

    private static async Task<string[]> TablesAsync(TestDatabase database)
    {
        await using var connection = await database.OpenOwnerConnectionAsync();
        return (await connection.ScalarAsync<string[]>(
            "SELECT coalesce(array_agg(tablename::text ORDER BY tablename), '{}') FROM pg_tables WHERE schemaname = 'public'"))!;
    }
}
