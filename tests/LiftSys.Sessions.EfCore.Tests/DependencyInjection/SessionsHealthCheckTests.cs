using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LiftSys.Sessions.EfCore.Tests.DependencyInjection;

public sealed class SessionsHealthCheckTests
{
    [Test]
    public async Task Migrated_database_with_a_safe_login_is_healthy()
    {
        await using var database = await TestDatabase.CreateAsync();

        var report = await CheckAsync(database.Server.AppConnectionString(database.Name));

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Healthy), report.Description);
        Assert.That(report.Data["rls_enabled_tables"], Has.Length.EqualTo(4));
    }

    [Test]
    public async Task Owner_login_is_unhealthy_because_rls_would_not_apply()
    {
        await using var database = await TestDatabase.CreateAsync();

        var report = await CheckAsync(database.OwnerConnectionString);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Description, Does.Contain("skips row-level security").And.Contain("owner"));
    }

    [Test]
    public async Task Database_before_the_rls_migration_is_unhealthy_and_says_which_migration_is_missing()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using (var owner = database.CreateOwnerContext())
        {
            await owner.GetService<IMigrator>().MigrateAsync("20251019120004_CreateResolutionsTable");
        }

        var report = await CheckAsync(database.Server.AppConnectionString(database.Name));

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Description, Does.Contain("20251019120005_CreateRlsPolicies"));
    }

    [Test]
    public async Task Pending_migration_after_the_rls_migration_is_unhealthy_and_named()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var owner = await database.OpenOwnerConnectionAsync())
        {
            // Forget the newest migration, as if this version's last migration had not been applied yet.
            await owner.ExecuteAsync(
                $"DELETE FROM {SessionsDbContext.MigrationsHistoryTable} WHERE \"MigrationId\" = (SELECT max(\"MigrationId\") FROM {SessionsDbContext.MigrationsHistoryTable})");
        }

        string newest;
        using (var context = database.CreateOwnerContext())
        {
            newest = context.Database.GetMigrations().Last();
        }

        var report = await CheckAsync(database.Server.AppConnectionString(database.Name));

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Data["pending_migrations"], Is.EqualTo(new[] { newest }));
    }

    [Test]
    public async Task Unreachable_server_reports_the_registered_failure_status()
    {
        var report = await CheckAsync("Host=127.0.0.1;Port=1;Database=none;Username=nobody;Timeout=2", HealthStatus.Degraded);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(report.Exception, Is.Not.Null);
    }

    private static async Task<HealthReportEntry> CheckAsync(string connectionString, HealthStatus? failureStatus = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLiftSysSessions(o => o.ConnectionString = connectionString);
        services.AddHealthChecks().AddLiftSysSessions(failureStatus: failureStatus);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["liftsys-sessions"];
    }
}
