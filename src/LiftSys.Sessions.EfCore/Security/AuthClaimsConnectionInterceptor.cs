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
/// <c>request.jwt.claims</c> that <c>auth.uid()</c> reads — with parameters, never by splicing text into SQL — and refuses
/// a login role that would skip row-level security or may not become that role.
/// </summary>
/// <remarks>
/// <para>
/// The claims ride with the first command that needs them: a <c>CALL liftsys_sessions_apply_claims(…)</c> (migration
/// 010) is put in front of the command's own statements, so they cost no round trip of their own. A procedure call
/// without output parameters returns no result set and no row count, so what the command's reader, scalar or row count
/// shows is unchanged; and when the procedure refuses (it raises), the whole batch fails in its transaction, so no
/// statement of it ever runs with the login role's own rights. <c>SaveChanges</c> batches are the exception: the Npgsql
/// provider reads their row counts by statement position, so when one of them would be the first to need claims, the
/// call is sent on its own first.
/// </para>
/// <para>
/// The actor is read from an active <see cref="SessionActorScope"/>, else from the host's
/// <see cref="ISessionActorAccessor"/>, before every command: a command runs as the actor current when it executes, so
/// a connection held open while the actor changes gets the new actor's claims with its next command. The interceptor
/// remembers, per open connection, whose claims are certainly in force (set by a command that succeeded, in a
/// transaction that is still open or committed); whenever that is unknown it sends them again.
/// </para>
/// <para>
/// Whether the login skips row-level security depends only on the physical connection's login, so the library's own
/// data sources check it once per physical connection (<see cref="PhysicalConnectionLoginCheck"/>); contexts a host
/// configures itself check it in every claims call.
/// </para>
/// </remarks>
internal sealed class AuthClaimsConnectionInterceptor(ISessionActorAccessor actors, SessionAuthorizationOptions options)
    : IDbConnectionInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor, ISaveChangesInterceptor
{
    /// <summary>The claims call put in front of a command's own statements (named parameters, as EF Core's are).</summary>
    internal const string ApplyClaimsCall =
        "CALL liftsys_sessions_apply_claims(@liftsys_claims_role, @liftsys_claims_json, @liftsys_claims_subject, "
        + "@liftsys_claims_local, @liftsys_claims_check_login, @liftsys_claims_privileged_login);\n";

    /// <summary>The claims call sent on its own, before a command it cannot ride with.</summary>
    internal const string ApplyClaimsStatement = "CALL liftsys_sessions_apply_claims($1, $2, $3, $4, $5, $6)";

    /// <summary>The SQLSTATE <c>liftsys_sessions_apply_claims</c> raises for a login that skips row-level security.</summary>
    internal const string UnsafeLoginSqlState = "LS401";

    /// <summary>The SQLSTATE <c>liftsys_sessions_apply_claims</c> raises for a login that may not become the actor's role.</summary>
    internal const string RoleNotGrantedSqlState = "LS403";

    private static readonly string[] ClaimsParameterNames =
    [
        "liftsys_claims_role", "liftsys_claims_json", "liftsys_claims_subject", "liftsys_claims_local", "liftsys_claims_check_login",
        "liftsys_claims_privileged_login",
    ];

    // Whose claims each open connection carries. The interceptor is shared by every context built from the same
    // options (a context pool), so the state lives beside the connection, not in the interceptor's fields; weak, so a
    // connection that is disposed without being closed through EF is not kept alive.
    private readonly ConditionalWeakTable<DbConnection, AppliedClaims> applied = new();

    // Claims put in front of a command that has not finished yet; they count only once it succeeded.
    private readonly ConditionalWeakTable<DbCommand, AppliedClaims> riding = new();

    public ClaimsScope Scope => options.ClaimsScope;

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => RefuseUnsafeConnection(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RefuseUnsafeConnection(connection);
        return Task.CompletedTask;
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
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        ForgetClaimsOfEarlierTransaction(connection);
        return ValueTask.FromResult(result);
    }

    public DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
    {
        ForgetClaimsOfEarlierTransaction(connection);
        return result;
    }

    public ValueTask<DbTransaction> TransactionUsedAsync(
        DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        ForgetClaimsOfEarlierTransaction(connection);
        return ValueTask.FromResult(result);
    }

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
        EnsureActsAsCurrentActorAsync(command, eventData, async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await EnsureActsAsCurrentActorAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnsureActsAsCurrentActorAsync(command, eventData, async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await EnsureActsAsCurrentActorAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnsureActsAsCurrentActorAsync(command, eventData, async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnsureActsAsCurrentActorAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        OnExecuted(command, completed: false);
        return result;
    }

    public ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        OnExecuted(command, completed: false);
        return ValueTask.FromResult(result);
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        OnExecuted(command, completed: true);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        OnExecuted(command, completed: true);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        OnExecuted(command, completed: true);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        OnExecuted(command, completed: true);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => OnFailed(command, eventData.Exception);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        OnFailed(command, eventData.Exception);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => OnFailed(command, exception: null);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        OnFailed(command, exception: null);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Turns the errors <c>liftsys_sessions_apply_claims</c> raises into the library's exceptions; other exceptions are
    /// returned unchanged.
    /// </summary>
    internal static Exception Translate(Exception exception) => exception switch
    {
        PostgresException { SqlState: UnsafeLoginSqlState } refused => new UnsafeLoginRoleException(
            refused.Detail ?? "(unknown)",
            (refused.Hint ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ReasonText).ToArray()),
        PostgresException { SqlState: RoleNotGrantedSqlState } refused => new ActorRoleNotGrantedException(
            refused.Detail ?? "(unknown)", refused.Hint ?? "(unknown)"),
        _ => exception,
    };

    private SessionActor CurrentActor => SessionStoreRules.CurrentActor(actors);

    // The login check can be skipped only where the data source checked it on this physical connection and found it
    // safe; ServiceRoleOnly decides per actor, so it always asks.
    private bool CheckLoginPerCall => options.ServiceRoleOnly || options.LoginCheck is not { LoginKnownSafe: true };

    private static string ReasonText(string code) => code switch
    {
        "superuser" => "a superuser",
        "bypassrls" => "a BYPASSRLS role",
        "owner" => "the owner of the session tables (or a member inheriting from it)",
        _ => code,
    };

    // SessionsDbContext runs on Npgsql only; any other connection fails here, before a claims call could be skipped.
    private static void RefuseUnsafeConnection(DbConnection connection) =>
        ClaimsConnectionSettings.EnsureNotMultiplexed((NpgsqlConnection)connection);

    // A command can carry the claims call in front of it when Npgsql splits its text into statements, which it does for
    // text with named parameters (EF Core's) or none; and when nothing reads row counts by statement position.
    private static bool CanRide(DbCommand command, CommandEventData eventData) =>
        eventData.CommandSource != CommandSource.SaveChanges
        && command is NpgsqlCommand { CommandType: CommandType.Text } npgsql
        && !npgsql.Parameters.Contains(ClaimsParameterNames[0])
        && npgsql.Parameters.All(p => !string.IsNullOrEmpty(p.ParameterName));

    private void RequireTransactionForSaveChanges(DbContextEventData eventData)
    {
        // EF skips the transaction for a SaveChanges of a single statement, whose batch cannot carry the claims; with
        // transaction-local claims sent on their own, they would be gone before it ran.
        // SaveChanges events always come from a context.
        if (Scope == ClaimsScope.Transaction)
        {
            eventData.Context!.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
    }

    private async Task EnsureActsAsCurrentActorAsync(DbCommand command, CommandEventData eventData, bool async, CancellationToken cancellationToken)
    {
        // EF Core executes a command only on its context's connection.
        var connection = command.Connection!;
        var actor = CurrentActor;
        if (applied.TryGetValue(connection, out var claims) && claims.HoldFor(actor, command.Transaction))
        {
            return;
        }

        // A connection EF did not open (the host passed an open one) has no claims yet either: it gets them here.
        RefuseUnsafeConnection(connection);
        if (CanRide(command, eventData))
        {
            RideWith((NpgsqlCommand)command, actor);
            return;
        }

        await ApplySeparatelyAsync(connection, command.Transaction, actor, async, cancellationToken).ConfigureAwait(false);
    }

    private void RideWith(NpgsqlCommand command, SessionActor actor)
    {
        // Unknown from here until the command succeeds: if it fails, its transaction took the claims with it.
        applied.Remove(command.Connection!);
        command.CommandText = ApplyClaimsCall + command.CommandText;
        var values = ClaimsValues(actor);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(new NpgsqlParameter(ClaimsParameterNames[i], values[i]));
        }

        riding.AddOrUpdate(command, new AppliedClaims(actor, command.Transaction, System.Transactions.Transaction.Current));
    }

    private object[] ClaimsValues(SessionActor actor) =>
    [
        actor.DatabaseRole,
        actor.ToClaimsJson(),
        actor.UserId?.ToString() ?? string.Empty,
        Scope == ClaimsScope.Transaction,
        CheckLoginPerCall,
        options.ServiceRoleOnly && actor.Kind == SessionActorKind.ServiceRole,
    ];

    private void OnExecuted(DbCommand command, bool completed)
    {
        if (!riding.TryGetValue(command, out var claims))
        {
            return;
        }

        riding.Remove(command);

        // In force for the next command: claims set inside an explicit transaction (until it ends), and session-level
        // claims whose implicit transaction is over. A reader's implicit transaction ends only when the reader is done,
        // and an error in a later statement would still undo them: not remembered, sent again with the next command.
        if (claims.Transaction is not null || claims.Ambient is not null || (Scope == ClaimsScope.Connection && completed))
        {
            applied.AddOrUpdate(command.Connection!, claims);
        }
    }

    private void OnFailed(DbCommand command, Exception? exception)
    {
        // Claims that rode with a failed command went with its transaction (the implicit one, or the explicit one it
        // aborted); they were forgotten when the command was sent. Claims already in force are unaffected.
        riding.Remove(command);
        if (exception is not null && Translate(exception) is var translated && !ReferenceEquals(translated, exception))
        {
            throw translated;
        }
    }

    // A completed NpgsqlTransaction no longer knows its connection; the context does (EF passes it for every transaction
    // it drives, so the context is never missing here).
    private static DbConnection ConnectionOf(DbContextEventData eventData) => eventData.Context!.Database.GetDbConnection();

    private void OnCommitted(DbConnection connection, DbTransaction transaction)
    {
        if (!applied.TryGetValue(connection, out var claims) || !ReferenceEquals(claims.Transaction, transaction))
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

    private void ForgetClaimsSetIn(DbConnection connection, DbTransaction transaction)
    {
        // A rollback (to a savepoint, too) undoes even session-level set_config calls made inside it, so the connection
        // may be back to an earlier actor's claims: set them again before the next command.
        if (applied.TryGetValue(connection, out var claims) && ReferenceEquals(claims.Transaction, transaction))
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

    private async Task ApplySeparatelyAsync(
        DbConnection connection, DbTransaction? transaction, SessionActor actor, bool async, CancellationToken cancellationToken)
    {
        // Transaction-local claims sent on their own outside a transaction would be gone before the command ran.
        if (Scope == ClaimsScope.Transaction && transaction is null && System.Transactions.Transaction.Current is null)
        {
            throw new InvalidOperationException(
                "LiftSys.Sessions is configured with ClaimsScope.Transaction and this command cannot carry the user's claims "
                + "itself (positional parameters, or a command type other than text), so it must run inside a transaction: "
                + "begin one with Database.BeginTransaction[Async], or use ClaimsScope.Connection on direct and session-mode connections.");
        }

        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        command.CommandText = ApplyClaimsStatement;
        command.Transaction = transaction;
        foreach (var value in ClaimsValues(actor))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        // Forgotten first: if this statement fails, the connection's claims are unknown and must be set again.
        applied.Remove(connection);
        try
        {
            if (async)
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                command.ExecuteNonQuery();
            }
        }
        catch (PostgresException ex) when (!ReferenceEquals(Translate(ex), ex))
        {
            throw Translate(ex);
        }

        // An ambient System.Transactions transaction the connection may be enlisted in undoes them on rollback, too.
        applied.AddOrUpdate(connection, new AppliedClaims(actor, transaction, System.Transactions.Transaction.Current));
    }

    /// <summary>
    /// The actor whose claims a connection carries, and the transaction they were set in (<see langword="null"/> when
    /// set outside one, or made permanent by its commit) and the ambient transaction current then, since a rollback of
    /// either would undo them.
    /// </summary>
    private sealed record AppliedClaims(SessionActor Actor, DbTransaction? Transaction, System.Transactions.Transaction? Ambient)
    {
        public bool HoldFor(SessionActor actor, DbTransaction? commandTransaction) =>
            Actor.Equals(actor)
            && (Transaction is null || ReferenceEquals(Transaction, commandTransaction))
            && (Ambient is null || Ambient.Equals(System.Transactions.Transaction.Current));
    }
}
