using LiftSys.Sessions.EfCore.DependencyInjection;
using LiftSys.Sessions.EfCore.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LiftSys.Sessions.EfCore.HealthChecks;

/// <summary>
/// Reports whether LiftSys.Sessions can serve requests safely: PostgreSQL answers, every migration of this version is
/// applied, row-level security is enabled on the four tables, and the application's login role does not skip it. A
/// user-facing login that may become <c>service_role</c> is reported in the description and data, not failed.
/// </summary>
internal sealed class SessionsHealthCheck(IServiceProvider services, IOptions<LiftSysSessionsOptions> options, SessionStorageState storage) : IHealthCheck
{
    private static readonly string[] Tables = ["sessions", "session_revisions", "session_drafts", "hole_resolutions"];

    private const string LoginAndRlsSql = """
        SELECT r.rolname, r.rolsuper, r.rolbypassrls,
               coalesce((SELECT pg_has_role(session_user, t.relowner, 'USAGE') FROM pg_class t WHERE t.oid = to_regclass('sessions')), false),
               (SELECT coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}') FROM pg_class c
                WHERE c.oid = ANY (ARRAY[to_regclass('sessions'), to_regclass('session_revisions'),
                                         to_regclass('session_drafts'), to_regclass('hole_resolutions')]) AND c.relrowsecurity),
               to_regclass('__liftsys_sessions_migrations') IS NOT NULL,
               coalesce((SELECT pg_has_role(session_user, a.oid, 'MEMBER') FROM pg_roles a WHERE a.rolname = 'service_role'), false)
        FROM pg_roles r WHERE r.rolname = session_user
        """;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new Dictionary<string, object>();

        // Serving from memory works, but loses every session on restart: never Healthy, never Unhealthy.
        if (storage.InMemoryOnly)
        {
            return HealthCheckResult.Degraded("Sessions are kept in memory (UseInMemoryStore): they are lost when the process stops.");
        }

        if (storage.FallbackReason is { } reason)
        {
            data["fallback_reason"] = reason;
            data["fallback_pending_write_back"] = storage.PendingWriteBack();
            return HealthCheckResult.Degraded(
                "PostgreSQL is unreachable: new sessions are kept in memory until it can be reached again, and sessions stored in PostgreSQL are unavailable.",
                data: data);
        }

        var result = await CheckPostgresAsync(context, data, cancellationToken).ConfigureAwait(false);

        // PostgreSQL serves, but memory still holds sessions it does not have: not Healthy until they are written back.
        if (storage.FallbackEnabled && result.Status == HealthStatus.Healthy && storage.PendingWriteBack() is var pending and > 0)
        {
            data["fallback_pending_write_back"] = pending;
            if (storage.WriteBackFailures.Count > 0)
            {
                data["fallback_write_back_failed"] = storage.WriteBackFailures.Select(f => $"{f.Key}: {f.Value}").ToArray();
            }

            return HealthCheckResult.Degraded(
                storage.WriteBackFailures.Count > 0
                    ? $"{storage.WriteBackFailures.Count} session(s) kept in memory during an outage could not be written back to PostgreSQL; they are lost when the process stops."
                    : $"{pending} session(s) kept in memory during an outage are not written back to PostgreSQL yet.",
                data: data);
        }

        return result;
    }

    private async Task<HealthCheckResult> CheckPostgresAsync(HealthCheckContext context, Dictionary<string, object> data, CancellationToken cancellationToken)
    {
        try
        {
            // Resolved only now: a host serving from memory may have no connection string at all.
            var dataSource = services.GetRequiredService<SessionsDataSource>().DataSource;
            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    return await CheckAsync(connection, context.Registration.FailureStatus, data, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL could not be reached or queried.", ex, data);
        }
    }

    private async Task<HealthCheckResult> CheckAsync(
        NpgsqlConnection connection, HealthStatus failureStatus, Dictionary<string, object> data, CancellationToken cancellationToken)
    {
        string login;
        var unsafeReasons = new List<string>();
        string[] rlsTables;
        bool historyExists;
        bool canBecomeServiceRole;
        var command = new NpgsqlCommand(LoginAndRlsSql, connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                login = reader.GetString(0);
                if (reader.GetBoolean(1))
                {
                    unsafeReasons.Add("superuser");
                }

                if (reader.GetBoolean(2))
                {
                    unsafeReasons.Add("BYPASSRLS");
                }

                if (reader.GetBoolean(3))
                {
                    unsafeReasons.Add("owner of the session tables");
                }

                rlsTables = reader.GetFieldValue<string[]>(4);
                historyExists = reader.GetBoolean(5);
                canBecomeServiceRole = reader.GetBoolean(6);
            }
        }

        data["login_role"] = login;
        data["rls_enabled_tables"] = rlsTables;
        data["login_can_switch_to_service_role"] = canBecomeServiceRole;
        data["service_role_connection"] = string.IsNullOrWhiteSpace(options.Value.ServiceRoleConnectionString) ? "shared" : "separate";
        if (unsafeReasons.Count > 0 && !options.Value.ServiceRoleOnly)
        {
            data["login_role_unsafe"] = unsafeReasons;
            return new HealthCheckResult(
                failureStatus,
                $"The login role '{login}' skips row-level security ({string.Join(", ", unsafeReasons)}); user operations are refused.", data: data);
        }

        var known = GetKnownMigrations();
        IReadOnlyList<string> applied;
        try
        {
            applied = historyExists
                ? await ReadAppliedMigrationsAsync(connection, unsafeReasons.Count > 0, canBecomeServiceRole, cancellationToken).ConfigureAwait(false)
                : [];
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // Migration 005 grants service_role read access to the history; before it, the history cannot be read.
            return new HealthCheckResult(
                failureStatus,
                $"LiftSys.Sessions migrations are not applied: the migration history is not readable by service_role, which "
                + $"{known.FirstOrDefault(m => m.EndsWith("_CreateRlsPolicies", StringComparison.Ordinal)) ?? "migration 005"} grants.",
                ex,
                data);
        }
        catch (ActorRoleNotGrantedException ex)
        {
            return new HealthCheckResult(
                failureStatus,
                "The login role may not switch to service_role and ServiceRoleConnectionString is not set, so service-role "
                + "operations would be refused and the migration history (readable by service_role only) cannot be checked.",
                ex,
                data);
        }

        var pending = known.Except(applied, StringComparer.Ordinal).ToArray();
        data["applied_migrations"] = applied.Count;
        data["pending_migrations"] = pending;
        if (pending.Length > 0)
        {
            return new HealthCheckResult(
                failureStatus, $"{pending.Length} LiftSys.Sessions migration(s) are not applied: {string.Join(", ", pending)}.", data: data);
        }

        var missingRls = Tables.Except(rlsTables, StringComparer.Ordinal).ToArray();
        if (missingRls.Length > 0)
        {
            return new HealthCheckResult(failureStatus, $"Row-level security is off on {string.Join(", ", missingRls)}.", data: data);
        }

        // Reported, not failed: a login that may become service_role still works, but any SQL that reaches it (an
        // injection in host code, a reporting tool) can SET ROLE service_role and read every user's sessions. The login's
        // name stays in the data: hosts may show descriptions to callers who must not learn it.
        var note = canBecomeServiceRole && unsafeReasons.Count == 0
            ? " Note: the user-facing login role can switch to service_role, so SQL that reaches it can read every user's "
              + "sessions; give service-role work a login of its own (ServiceRoleConnectionString) and revoke service_role "
              + "from this one (see docs/SUPABASE_SETUP.md)."
            : string.Empty;
        return HealthCheckResult.Healthy("PostgreSQL reachable, migrations applied, row-level security on, login role safe." + note, data);
    }

    private async Task<IReadOnlyList<string>> ReadAppliedMigrationsAsync(
        NpgsqlConnection connection, bool privilegedLogin, bool canBecomeServiceRole, CancellationToken cancellationToken)
    {
        // The history table is readable by the service role only. A privileged login (ServiceRoleOnly) reads it as
        // itself; a login that may become service_role does so for this transaction; otherwise the service role's own
        // login (ServiceRoleConnectionString) reads it.
        if (privilegedLogin || canBecomeServiceRole)
        {
            return await ReadHistoryAsync(connection, becomeServiceRole: !privilegedLogin, cancellationToken).ConfigureAwait(false);
        }

        var serviceRole = services.GetRequiredService<SessionsDataSource>().ServiceRoleDataSource
            ?? throw new ActorRoleNotGrantedException(connection.UserName ?? "(unknown)", "service_role");
        var serviceConnection = await serviceRole.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (serviceConnection.ConfigureAwait(false))
        {
            var transaction = await serviceConnection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                return await ReadHistoryAsync(serviceConnection, becomeServiceRole: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<IReadOnlyList<string>> ReadHistoryAsync(NpgsqlConnection connection, bool becomeServiceRole, CancellationToken cancellationToken)
    {
        var sql = (becomeServiceRole ? "SELECT set_config('role', 'service_role', true);" : string.Empty)
            + $"SELECT \"MigrationId\" FROM {SessionsDbContext.MigrationsHistoryTable}";
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            var applied = new List<string>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (becomeServiceRole)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }

                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            return applied;
        }
    }

    private string[] GetKnownMigrations()
    {
        using var context = services.GetRequiredService<IDbContextFactory<SessionsDbContext>>().CreateDbContext();
        return context.Database.GetMigrations().ToArray();
    }
}
