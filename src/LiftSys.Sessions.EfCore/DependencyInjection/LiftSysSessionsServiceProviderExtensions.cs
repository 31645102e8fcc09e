using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiftSys.Sessions.EfCore;

/// <summary>Runs the library's migrations from a host.</summary>
public static partial class LiftSysSessionsServiceProviderExtensions
{
    /// <summary>
    /// Applies the library's pending migrations as the tables' owner, through
    /// <see cref="LiftSysSessionsOptions.MigrationConnectionString"/> — never through the application's login, which must
    /// not own the tables. Typically called once at start-up: <c>await app.Services.MigrateLiftSysSessionsAsync();</c>.
    /// </summary>
    /// <param name="services">The host's service provider.</param>
    /// <param name="cancellationToken">Cancels the migration (a migration already running finishes or rolls back).</param>
    /// <returns>The ids of the migrations applied now; empty when the database was up to date.</returns>
    /// <exception cref="InvalidOperationException"><see cref="LiftSysSessionsOptions.MigrationConnectionString"/> is not set.</exception>
    public static async Task<IReadOnlyList<string>> MigrateLiftSysSessionsAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<LiftSysSessionsOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.MigrationConnectionString))
        {
            throw new InvalidOperationException(
                $"{nameof(LiftSysSessionsOptions.MigrationConnectionString)} is not set. Migrations run as the tables' owner, "
                + "not as the application's login; set it to the owner's connection string, or migrate with the liftsys-sessions CLI.");
        }

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("LiftSys.Sessions.Migrations") ?? NullLogger.Instance;
        var contextOptions = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(options.MigrationConnectionString, npgsql => npgsql.UseLiftSysSessionsMigrations().SetPostgresVersion(15, 0))
            .Options;

        var context = new SessionsDbContext(contextOptions);
        await using (context.ConfigureAwait(false))
        {
            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToArray();
            if (pending.Length == 0)
            {
                LogUpToDate(logger);
                return [];
            }

            LogApplying(logger, pending.Length, pending);
            await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            LogApplied(logger, pending.Length);
            return pending;
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "LiftSys.Sessions database is up to date.")]
    private static partial void LogUpToDate(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Applying {Count} LiftSys.Sessions migration(s): {Migrations}.")]
    private static partial void LogApplying(ILogger logger, int count, IReadOnlyList<string> migrations);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Applied {Count} LiftSys.Sessions migration(s).")]
    private static partial void LogApplied(ILogger logger, int count);
}
