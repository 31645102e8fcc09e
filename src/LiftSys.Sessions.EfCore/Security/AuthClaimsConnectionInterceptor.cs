using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Security;

/// <summary>
/// Tells PostgreSQL who is acting, for every connection (or every transaction) EF Core uses: switches to the actor's
/// role (<c>anon</c>, <c>authenticated</c> or <c>service_role</c>) and sets the Supabase-compatible
/// <c>request.jwt.claims</c> that <c>auth.uid()</c> reads — with parameters, never by splicing text into SQL. In the
/// same round trip it checks that the login role does not skip row-level security and may switch to that role.
/// </summary>
/// <remarks>
/// The actor is read from an active <see cref="SessionActorScope"/>, else from the host's
/// <see cref="ISessionActorAccessor"/>, when a connection opens (<see cref="ClaimsScope.Connection"/>) or a transaction
/// starts (<see cref="ClaimsScope.Transaction"/>), and again before every command: a command runs as the actor current
/// when it executes, so a connection held open while the actor changes gets the new actor's claims first (one more
/// round trip, only then). Failing to set them fails the operation; nothing ever runs with the login role's own rights,
/// which for the recommended NOINHERIT login are none.
/// </remarks>
internal sealed class AuthClaimsConnectionInterceptor(ISessionActorAccessor actors, SessionAuthorizationOptions options)
    : IDbConnectionInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor, ISaveChangesInterceptor
{
    // One round trip: first decide whether the login role skips row-level security (a superuser, BYPASSRLS, or the
    // tables' owner or a role inheriting its rights), and whether it may switch to the actor's role at all. Only a safe
    // login that may switch does; anything else is refused, unless $5 (ServiceRoleOnly with the service role acting)
    // lets a privileged login keep its own rights, which skip RLS anyway.
    // auth.uid() reads request.jwt.claim.sub before request.jwt.claims, and auth.jwt() reads request.jwt.claim first,
    // so both legacy settings are overwritten too: a value left on a pooled server connection can never win.
    internal const string ApplyClaimsSql = """
        SELECT s.rolname, s.rolsuper, s.rolbypassrls, s.owns, s.may_switch,
               CASE WHEN s.may_switch AND NOT (s.rolsuper OR s.rolbypassrls OR s.owns) THEN set_config('role', $1, $4) END,
               CASE WHEN $5 OR (s.may_switch AND NOT (s.rolsuper OR s.rolbypassrls OR s.owns)) THEN
                   concat_ws(',',
                       set_config('request.jwt.claims', $2, $4),
                       set_config('request.jwt.claim.sub', $3, $4),
                       set_config('request.jwt.claim.role', $1, $4),
                       set_config('request.jwt.claim', '', $4))
               END
        FROM (SELECT r.rolname, r.rolsuper, r.rolbypassrls,
                     coalesce((SELECT pg_has_role(session_user, t.relowner, 'USAGE')
                               FROM pg_class t WHERE t.oid = to_regclass('sessions')), false) AS owns,
                     coalesce((SELECT pg_has_role(session_user, a.oid, 'MEMBER')
                               FROM pg_roles a WHERE a.rolname = $1), false) AS may_switch
              FROM pg_roles r
              WHERE r.rolname = session_user) s
        """;

    // Whose claims each open connection carries. The interceptor is shared by every context built from the same
    // options (a context pool), so the state lives beside the connection, not in the interceptor's fields; weak, so a
    // connection that is disposed without being closed through EF is not kept alive.
    private readonly ConditionalWeakTable<DbConnection, AppliedClaims> applied = new();

    public ClaimsScope Scope => options.ClaimsScope;

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        RefuseUnsafeConnection(connection);
        if (Scope == ClaimsScope.Connection)
        {
            ApplyAsync(connection, null, CurrentActor, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    public async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RefuseUnsafeConnection(connection);
        if (Scope == ClaimsScope.Connection)
        {
            await ApplyAsync(connection, null, CurrentActor, async: true, cancellationToken).ConfigureAwait(false);
        }
    }

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => applied.Remove(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        applied.Remove(connection);
        return Task.CompletedTask;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        ForgetClaimsOfEarlierTransaction(connection);
        if (Scope == ClaimsScope.Transaction)
        {
            ApplyAsync(connection, result, CurrentActor, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public async ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        ForgetClaimsOfEarlierTransaction(connection);
        if (Scope == ClaimsScope.Transaction)
        {
            await ApplyAsync(connection, result, CurrentActor, async: true, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
        => TransactionStarted(connection, null!, result);

    public ValueTask<DbTransaction> TransactionUsedAsync(
        DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        => TransactionStartedAsync(connection, null!, result, cancellationToken);

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => OnCommitted(ConnectionOf(eventData), transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        OnCommitted(ConnectionOf(eventData), transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => ForgetClaimsSetIn(ConnectionOf(eventData), transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetClaimsSetIn(ConnectionOf(eventData), transaction);
        return Task.CompletedTask;
    }

    public void RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData) => ForgetClaimsSetIn(ConnectionOf(eventData), transaction);

    public Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetClaimsSetIn(ConnectionOf(eventData), transaction);
        return Task.CompletedTask;
    }

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
        EnsureActsAsCurrentActor(command);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await EnsureActsAsCurrentActorAsync(command, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnsureActsAsCurrentActor(command);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await EnsureActsAsCurrentActorAsync(command, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnsureActsAsCurrentActor(command);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnsureActsAsCurrentActorAsync(command, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private SessionActor CurrentActor => SessionStoreRules.CurrentActor(actors);

    private static void RefuseUnsafeConnection(DbConnection connection)
    {
        if (connection is NpgsqlConnection npgsql)
        {
            ClaimsConnectionSettings.EnsureNotMultiplexed(npgsql);
        }
    }

    private void RequireTransactionForSaveChanges(DbContextEventData eventData)
    {
        // EF skips the transaction for a SaveChanges of a single statement; with transaction-local claims it must not.
        if (Scope == ClaimsScope.Transaction && eventData.Context is { } context)
        {
            context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
    }

    private void EnsureActsAsCurrentActor(DbCommand command)
    {
        var (connection, actor) = ClaimsToApplyBefore(command);
        if (connection is not null)
        {
            ApplyAsync(connection, command.Transaction, actor, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    private async Task EnsureActsAsCurrentActorAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var (connection, actor) = ClaimsToApplyBefore(command);
        if (connection is not null)
        {
            await ApplyAsync(connection, command.Transaction, actor, async: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Decides whether the connection's claims are those of the actor current now; if not, returns the connection to
    /// set them on first. On the usual path (same actor, same connection) this costs a table lookup and a reference
    /// comparison, and no round trip.
    /// </summary>
    private (DbConnection? Connection, SessionActor Actor) ClaimsToApplyBefore(DbCommand command)
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

        var connection = command.Connection
            ?? throw new InvalidOperationException("The command has no connection to set the acting actor's claims on.");
        var actor = CurrentActor;
        if (applied.TryGetValue(connection, out var claims) && claims.HoldFor(actor, command.Transaction))
        {
            return (null, actor);
        }

        // A connection EF did not open (the host passed an open one) has no claims yet either: it gets them here.
        RefuseUnsafeConnection(connection);
        return (connection, actor);
    }

    // A completed NpgsqlTransaction no longer knows its connection; the context does (EF passes it for every transaction
    // it drives).
    private static DbConnection? ConnectionOf(DbContextEventData eventData) => eventData.Context?.Database.GetDbConnection();

    private void OnCommitted(DbConnection? connection, DbTransaction transaction)
    {
        if (connection is null || !applied.TryGetValue(connection, out var claims) || !ReferenceEquals(claims.Transaction, transaction))
        {
            return;
        }

        if (Scope == ClaimsScope.Connection)
        {
            // Session-level settings made inside the transaction are now the connection's own.
            applied.AddOrUpdate(connection, claims with { Transaction = null });
        }
        else
        {
            applied.Remove(connection);
        }
    }

    private void ForgetClaimsSetIn(DbConnection? connection, DbTransaction transaction)
    {
        // A rollback (to a savepoint, too) undoes even session-level set_config calls made inside it, so the connection
        // may be back to an earlier actor's claims: set them again before the next command.
        if (connection is not null && applied.TryGetValue(connection, out var claims) && ReferenceEquals(claims.Transaction, transaction))
        {
            applied.Remove(connection);
        }
    }

    private void ForgetClaimsOfEarlierTransaction(DbConnection connection)
    {
        // Claims set inside a transaction that ended without a commit EF saw (disposed, so rolled back) are gone; and
        // Npgsql reuses the transaction object, so the next transaction cannot be told from that one by reference.
        if (applied.TryGetValue(connection, out var claims) && claims.Transaction is not null)
        {
            applied.Remove(connection);
        }
    }

    private async Task ApplyAsync(
        DbConnection connection, DbTransaction? transaction, SessionActor actor, bool async, CancellationToken cancellationToken)
    {
        // Transaction-local under ClaimsScope.Transaction; session-level otherwise, even when sent inside a transaction.
        var local = Scope == ClaimsScope.Transaction;

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

        // Forgotten first: if this statement fails, the connection's claims are unknown and must be set again.
        applied.Remove(connection);

        string loginRole;
        bool maySwitch;
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
            maySwitch = reader.GetBoolean(4);
        }

        if (reasons.Count > 0 ? !privilegedLoginAllowed : !maySwitch)
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

            throw reasons.Count > 0
                ? new UnsafeLoginRoleException(loginRole, reasons)
                : new ActorRoleNotGrantedException(loginRole, actor.DatabaseRole);
        }

        // An ambient System.Transactions transaction the connection may be enlisted in undoes them on rollback, too.
        applied.AddOrUpdate(connection, new AppliedClaims(actor, transaction, System.Transactions.Transaction.Current));
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

    /// <summary>
    /// The actor whose claims a connection carries, and the transaction they were set in (<see langword="null"/> when
    /// set outside one, or made permanent by its commit) and the ambient transaction current then, since a rollback of
    /// either would undo them.
    /// </summary>
    private sealed record AppliedClaims(SessionActor Actor, DbTransaction? Transaction, System.Transactions.Transaction? Ambient)
    {
        public bool HoldFor(SessionActor actor, DbTransaction? commandTransaction) =>
            (ReferenceEquals(Actor, actor) || Actor.Equals(actor))
            && (Transaction is null || ReferenceEquals(Transaction, commandTransaction))
            && (Ambient is null || Ambient.Equals(System.Transactions.Transaction.Current));
    }
}
