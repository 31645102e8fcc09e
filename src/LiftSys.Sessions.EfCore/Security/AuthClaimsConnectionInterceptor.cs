using System.Data;
using System.Data.Common;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Security;

/// <summary>
/// Tells PostgreSQL who is acting, for every connection (or every transaction) EF Core uses: switches to the actor's
/// role (<c>anon</c>, <c>authenticated</c> or <c>service_role</c>) and sets the Supabase-compatible
/// <c>request.jwt.claims</c> that <c>auth.uid()</c> reads — with parameters, never by splicing text into SQL. In the
/// same round trip it checks that the login role does not skip row-level security.
/// </summary>
/// <remarks>
/// The actor is read from an active <see cref="SessionActorScope"/>, else from the host's
/// <see cref="ISessionActorAccessor"/>. Failing to set it fails the operation; nothing ever runs with the login role's
/// own rights, which for the recommended NOINHERIT login are none.
/// </remarks>
internal sealed class AuthClaimsConnectionInterceptor(ISessionActorAccessor actors, SessionAuthorizationOptions options)
    : IDbConnectionInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor, ISaveChangesInterceptor
{
    // One round trip: first decide whether the login role skips row-level security (a superuser, BYPASSRLS, or the
    // tables' owner or a role inheriting its rights). Only a safe login switches role; a privileged one is refused,
    // unless $5 (ServiceRoleOnly with the service role acting) lets it keep its own rights, which skip RLS anyway.
    // auth.uid() reads request.jwt.claim.sub before request.jwt.claims, and auth.jwt() reads request.jwt.claim first,
    // so both legacy settings are overwritten too: a value left on a pooled server connection can never win.
    internal const string ApplyClaimsSql = """
        SELECT s.rolname, s.rolsuper, s.rolbypassrls, s.owns,
               CASE WHEN NOT (s.rolsuper OR s.rolbypassrls OR s.owns) THEN set_config('role', $1, $4) END,
               CASE WHEN $5 OR NOT (s.rolsuper OR s.rolbypassrls OR s.owns) THEN
                   concat_ws(',',
                       set_config('request.jwt.claims', $2, $4),
                       set_config('request.jwt.claim.sub', $3, $4),
                       set_config('request.jwt.claim.role', $1, $4),
                       set_config('request.jwt.claim', '', $4))
               END
        FROM (SELECT r.rolname, r.rolsuper, r.rolbypassrls,
                     coalesce((SELECT pg_has_role(session_user, t.relowner, 'USAGE')
                               FROM pg_class t WHERE t.oid = to_regclass('sessions')), false) AS owns
              FROM pg_roles r
              WHERE r.rolname = session_user) s
        """;

    public ClaimsScope Scope => options.ClaimsScope;

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (Scope == ClaimsScope.Connection)
        {
            ApplyAsync(connection, null, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    public async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Scope == ClaimsScope.Connection)
        {
            await ApplyAsync(connection, null, async: true, cancellationToken).ConfigureAwait(false);
        }
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        if (Scope == ClaimsScope.Transaction)
        {
            ApplyAsync(connection, result, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public async ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        if (Scope == ClaimsScope.Transaction)
        {
            await ApplyAsync(connection, result, async: true, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
        => TransactionStarted(connection, null!, result);

    public ValueTask<DbTransaction> TransactionUsedAsync(
        DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        => TransactionStartedAsync(connection, null!, result, cancellationToken);

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        RequireTransactionForSaveChanges(eventData);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        RequireTransactionForSaveChanges(eventData);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        EnsureInTransaction(command);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        EnsureInTransaction(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnsureInTransaction(command);
        return result;
    }

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        EnsureInTransaction(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnsureInTransaction(command);
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        EnsureInTransaction(command);
        return ValueTask.FromResult(result);
    }

    private void RequireTransactionForSaveChanges(DbContextEventData eventData)
    {
        // EF skips the transaction for a SaveChanges of a single statement; with transaction-local claims it must not.
        if (Scope == ClaimsScope.Transaction && eventData.Context is { } context)
        {
            context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
    }

    private void EnsureInTransaction(DbCommand command)
    {
        // Outside a transaction the claims of ClaimsScope.Transaction are not set, so the command would run with the
        // login role's rights (none, for a proper login) or, behind a transaction-mode pooler, with whatever another
        // client left on the server connection. Refuse it with a message that says what to do.
        if (Scope == ClaimsScope.Transaction && command.Transaction is null)
        {
            throw new InvalidOperationException(
                "LiftSys.Sessions is configured with ClaimsScope.Transaction, so every command must run inside a "
                + "transaction (the user's claims are transaction-local). Begin one with Database.BeginTransaction[Async], "
                + "or use ClaimsScope.Connection on direct and session-mode connections.");
        }
    }

    private async Task ApplyAsync(DbConnection connection, DbTransaction? transaction, bool async, CancellationToken cancellationToken)
    {
        var actor = SessionActorScope.CurrentActor ?? actors.Current ?? SessionActor.Anonymous;
        var local = transaction is not null;

        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        command.CommandText = ApplyClaimsSql;
        command.Transaction = transaction;
        command.Parameters.Add(new NpgsqlParameter { Value = actor.DatabaseRole });
        command.Parameters.Add(new NpgsqlParameter { Value = actor.ToClaimsJson() });
        command.Parameters.Add(new NpgsqlParameter { Value = actor.UserId?.ToString() ?? string.Empty });
        command.Parameters.Add(new NpgsqlParameter { Value = local });
        var privilegedLoginAllowed = options.ServiceRoleOnly && actor.Kind == SessionActorKind.ServiceRole;
        command.Parameters.Add(new NpgsqlParameter { Value = privilegedLoginAllowed });

        string loginRole;
        var reasons = new List<string>(3);
        var reader = async
            ? await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false)
            : command.ExecuteReader(CommandBehavior.SingleRow);
        await using (reader.ConfigureAwait(false))
        {
            if (!(async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read()))
            {
                throw new InvalidOperationException("PostgreSQL returned no row for the login role; cannot check it.");
            }

            loginRole = reader.GetString(0);
            AddIf(reasons, reader.GetBoolean(1), "a superuser");
            AddIf(reasons, reader.GetBoolean(2), "a BYPASSRLS role");
            AddIf(reasons, reader.GetBoolean(3), "the owner of the session tables (or a member inheriting from it)");
        }

        if (reasons.Count > 0 && !privilegedLoginAllowed)
        {
            // Nothing was set; still leave nothing usable behind: the transaction is rolled back, or the connection closed.
            if (transaction is not null)
            {
                await RollbackAsync(transaction, async, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CloseAsync(connection, async).ConfigureAwait(false);
            }

            throw new UnsafeLoginRoleException(loginRole, reasons);
        }
    }

    private static void AddIf(List<string> reasons, bool condition, string reason)
    {
        if (condition)
        {
            reasons.Add(reason);
        }
    }

    private static async Task RollbackAsync(DbTransaction transaction, bool async, CancellationToken cancellationToken)
    {
        if (async)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            transaction.Rollback();
        }
    }

    private static async Task CloseAsync(DbConnection connection, bool async)
    {
        if (async)
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }
        else
        {
            connection.Close();
        }
    }
}
