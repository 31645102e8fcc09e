using LiftSys.Sessions.EfCore.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LiftSys.Sessions.EfCore.DependencyInjection;

/// <summary>Validates <see cref="LiftSysSessionsOptions"/> at start-up, naming each bad setting.</summary>
internal sealed class LiftSysSessionsOptionsValidator(SessionStorageState state) : IValidateOptions<LiftSysSessionsOptions>
{
    public ValidateOptionsResult Validate(string? name, LiftSysSessionsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            // Only an in-memory host may go without one.
            if (!state.InMemoryOnly)
            {
                failures.Add($"{nameof(LiftSysSessionsOptions.ConnectionString)} is required (unless UseInMemoryStore() is called).");
            }
        }
        else
        {
            CheckClaimsConnectionString(options.ConnectionString, nameof(LiftSysSessionsOptions.ConnectionString), options.ClaimsScope, failures);
        }

        if (options.ServiceRoleConnectionString is { } serviceRole)
        {
            if (string.IsNullOrWhiteSpace(serviceRole))
            {
                failures.Add($"{nameof(LiftSysSessionsOptions.ServiceRoleConnectionString)} is empty; leave it unset (null) to run the service role on {nameof(LiftSysSessionsOptions.ConnectionString)}.");
            }
            else
            {
                CheckClaimsConnectionString(serviceRole, nameof(LiftSysSessionsOptions.ServiceRoleConnectionString), options.ClaimsScope, failures);
            }
        }

        if (options.MigrationConnectionString is { } migration
            && Parse(migration, nameof(LiftSysSessionsOptions.MigrationConnectionString), failures) is { Multiplexing: true })
        {
            // Migrations carry no claims, but they rely on session state (locks, SET) staying on one server connection.
            failures.Add(
                $"{nameof(LiftSysSessionsOptions.MigrationConnectionString)} sets 'Multiplexing=true': migrations need one "
                + "server connection for their whole run. Remove 'Multiplexing'.");
        }

        if (!Enum.IsDefined(options.ClaimsScope))
        {
            failures.Add($"{nameof(LiftSysSessionsOptions.ClaimsScope)} must be Connection or Transaction; it was {options.ClaimsScope}.");
        }

        if (options.CommandTimeout < TimeSpan.FromSeconds(1) || options.CommandTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{nameof(LiftSysSessionsOptions.CommandTimeout)} must be between 1 second and 1 hour; it was {options.CommandTimeout}.");
        }

        if (options.MaxRetryCount is < 0 or > 10)
        {
            failures.Add($"{nameof(LiftSysSessionsOptions.MaxRetryCount)} must be between 0 and 10; it was {options.MaxRetryCount}.");
        }

        if (options.MaxRetryDelay < TimeSpan.Zero || options.MaxRetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{nameof(LiftSysSessionsOptions.MaxRetryDelay)} must be between 0 and 1 minute; it was {options.MaxRetryDelay}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckClaimsConnectionString(string value, string setting, ClaimsScope scope, List<string> failures)
    {
        if (Parse(value, setting, failures) is { } connectionString)
        {
            // An undefined scope is reported on its own; the settings are checked against the default meanwhile.
            failures.AddRange(ClaimsConnectionSettings.FindViolations(connectionString, Enum.IsDefined(scope) ? scope : ClaimsScope.Connection, setting));
        }
    }

    private static NpgsqlConnectionStringBuilder? Parse(string value, string setting, List<string> failures)
    {
        try
        {
            // The messages never echo the value, which may hold a password.
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{setting} is not a valid PostgreSQL connection string: {ex.Message}");
            return null;
        }
    }
}
