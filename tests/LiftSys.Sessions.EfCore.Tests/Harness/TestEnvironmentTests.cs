using System.Globalization;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.EfCore.Tests.Harness;

public sealed class TestEnvironmentTests
{
    [Test]
    public async Task GetServerAsync_default_environment_runs_postgresql_15()
    {
        // Arrange
        var server = await TestEnvironment.GetServerAsync();
        await using var connection = await server.OpenSuperuserConnectionAsync();

        // Act
        var versionNumber = int.Parse(
            await connection.ScalarAsync<string>("SHOW server_version_num") ?? string.Empty,
            CultureInfo.InvariantCulture);

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(versionNumber, Is.InRange(150000, 159999));
            Assert.That(server.Version.Major, Is.EqualTo(15));
        }
    }

    [Test]
    public async Task GetServerAsync_owner_role_is_neither_superuser_nor_bypassrls()
    {
        // Arrange
        var server = await TestEnvironment.GetServerAsync();
        await using var connection = await server.OpenSuperuserConnectionAsync();

        // Act
        var superuser = await connection.ScalarAsync<bool>(
            "SELECT rolsuper FROM pg_roles WHERE rolname = $1", PostgresServer.OwnerRole);
        var bypassRls = await connection.ScalarAsync<bool>(
            "SELECT rolbypassrls FROM pg_roles WHERE rolname = $1", PostgresServer.OwnerRole);
        var canLogin = await connection.ScalarAsync<bool>(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", PostgresServer.OwnerRole);

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(canLogin, Is.True, "the owner must be able to log in to run migrations");
            Assert.That(superuser, Is.False, "a superuser skips row-level security");
            Assert.That(bypassRls, Is.False, "BYPASSRLS skips row-level security");
        }
    }

    [Test]
    public async Task CreateAsync_not_migrated_returns_empty_database_owned_by_liftsys_owner()
    {
        // Arrange
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using var connection = await database.OpenSuperuserConnectionAsync();

        // Act
        var owner = await connection.ScalarAsync<string>(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", database.Name);
        var userRelations = await connection.ScalarAsync<long>(
            """
            SELECT count(*)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            """);

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(owner, Is.EqualTo(PostgresServer.OwnerRole));
            Assert.That(userRelations, Is.Zero);
        }
    }

    [Test]
    public async Task DisposeAsync_created_database_drops_it()
    {
        // Arrange
        var database = await TestDatabase.CreateAsync(migrated: false);
        await using var connection = await database.Server.OpenSuperuserConnectionAsync();
        const string existsSql = "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)";
        var existedBefore = await connection.ScalarAsync<bool>(existsSql, database.Name);

        // Act
        await database.DisposeAsync();

        // Assert
        var existsAfter = await connection.ScalarAsync<bool>(existsSql, database.Name);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(existedBefore, Is.True);
            Assert.That(existsAfter, Is.False);
        }
    }

    [Test]
    public async Task CreateAsync_called_concurrently_returns_distinct_databases()
    {
        // Act
        var created = await Task.WhenAll(TestDatabase.CreateAsync(), TestDatabase.CreateAsync());
        await using var first = created[0];
        await using var second = created[1];

        // Assert
        await using var connection = await first.Server.OpenSuperuserConnectionAsync();
        var existing = await connection.ScalarAsync<long>(
            "SELECT count(*) FROM pg_database WHERE datname = ANY ($1)", new[] { first.Name, second.Name });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Name, Is.Not.EqualTo(second.Name));
            Assert.That(existing, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task CreateAsync_migrated_has_migrations_history_table()
    {
        // Arrange
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.OpenSuperuserConnectionAsync();

        // Act
        var historyTable = await connection.ScalarAsync<string>(
            "SELECT to_regclass($1)::text", $"public.{SessionsDbContext.MigrationsHistoryTable}");

        // Assert
        Assert.That(historyTable, Is.EqualTo(SessionsDbContext.MigrationsHistoryTable));
    }

    [Test]
    public async Task CreateAsync_migrated_has_every_migration_applied()
    {
        // Arrange
        await using var database = await TestDatabase.CreateAsync();
        await using var context = database.CreateOwnerContext();

        // Act
        var applied = await context.Database.GetAppliedMigrationsAsync();

        // Assert
        Assert.That(applied, Is.EqualTo(context.Database.GetMigrations()));
    }

    [Test]
    public async Task CreateOwnerContext_migrated_database_connects_as_liftsys_owner()
    {
        // Arrange
        await using var database = await TestDatabase.CreateAsync();
        await using var context = database.CreateOwnerContext();

        // Act
        var currentUser = await context.Database
            .SqlQueryRaw<string>("SELECT current_user::text AS \"Value\"")
            .SingleAsync();

        // Assert
        Assert.That(currentUser, Is.EqualTo(PostgresServer.OwnerRole));
    }
}
