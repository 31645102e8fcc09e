using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Store;

/// <summary>
/// Runs a store operation as one transaction so that it takes effect exactly once, however often it is tried, and
/// fails only with the library's own exceptions.
/// </summary>
/// <remarks>
/// <para>
/// Two kinds of retry meet here. Races PostgreSQL reports (a serialization failure, a deadlock, a number taken by a
/// concurrent writer) start the operation again on a fresh context, up to <see cref="EfCoreSessionStore.MaxAttempts"/>
/// times. Transient faults (a dropped connection, a failover) are retried by EF Core's execution strategy when the
/// context enables it (<c>EnableRetryOnFailure</c>).
/// </para>
/// <para>
/// A write's commit is the one ambiguous moment: its explicit COMMIT, or, for a write that is one statement sent without
/// an explicit transaction, the statement itself, whose implicit transaction commits before its answer is sent. When the
/// connection fails there, the server may have committed. Every attempt of one call writes the same ids
/// (<see cref="StoreWrite{T}"/>), and before anything is tried again the write is looked up by them (EF Core's
/// <c>verifySucceeded</c> hook of the execution strategy): when it is stored, the stored result is returned instead of
/// writing again. With retries off, or when they ran out, the same lookup runs once more; if it cannot reach the server
/// either, the caller gets <see cref="SessionWriteOutcomeUnknownException"/> rather than a guess. A unique violation on
/// a row's own primary key can only mean an earlier attempt of this call committed, so it too ends in the lookup.
/// </para>
/// </remarks>
internal sealed class ExactlyOnceTransactions(IDbContextFactory<SessionsDbContext> contexts)
{
    /// <summary>
    /// Runs a read without an explicit transaction: each of its statements is a transaction of its own (with the claims
    /// in the same batch), so a one-statement read costs one round trip and no COMMIT.
    /// </summary>
    internal Task<T> ReadAsync<T>(Func<SessionsDbContext, Task<T>> operation, CancellationToken cancellationToken)
        => RunAsync(operation, write: null, explicitTransaction: false, cancellationToken);

    /// <summary>Runs a write of several statements in one transaction, exactly once across its attempts.</summary>
    internal Task<T> WriteAsync<T>(StoreWrite<T> write, Func<SessionsDbContext, Task<T>> operation, CancellationToken cancellationToken)
        => RunAsync(operation, write, explicitTransaction: true, cancellationToken);

    /// <summary>
    /// Runs a write that is one statement (and, only when it changed nothing, reads that explain why) without an explicit
    /// transaction, exactly once across its attempts: the statement's implicit transaction commits with it, so it is
    /// ambiguous from the moment it is sent until its answer arrives.
    /// </summary>
    internal Task<T> WriteStatementAsync<T>(StoreWrite<T> write, Func<SessionsDbContext, Task<T>> operation, CancellationToken cancellationToken)
        => RunAsync(operation, write, explicitTransaction: false, cancellationToken);

    /// <summary>
    /// Whether a statement that failed with <paramref name="exception"/> may still have committed: the connection failed
    /// (or the server ended it) before its answer arrived. An error the server reported for the statement itself means it
    /// was rolled back, and the store's own exceptions come after an answer.
    /// </summary>
    internal static bool MayHaveCommitted(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return postgres.Severity is "FATAL" or "PANIC";
                case NpgsqlException:
                    // Npgsql wraps every I/O failure and timeout of a command in one.
                    return true;
            }
        }

        return false;
    }

    internal static bool IsAbsorbableRace(Exception exception) => (exception as PostgresException ?? exception.InnerException as PostgresException) switch
    {
        { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } => true,
        {
            SqlState: PostgresErrorCodes.UniqueViolation,
            ConstraintName: "session_revisions_session_id_revision_number_key" or "session_drafts_session_id_draft_number_key",
        } => true,
        _ => false,
    };

    // Ids are version 7 GUIDs fixed once per call: only this call's own earlier attempt can have taken one.
    internal static bool IsOwnKeyTaken(Exception exception) => (exception as PostgresException ?? exception.InnerException as PostgresException) is
    {
        SqlState: PostgresErrorCodes.UniqueViolation,
        ConstraintName: "sessions_pkey" or "session_revisions_pkey" or "session_drafts_pkey" or "hole_resolutions_pkey",
    };

    private async Task<T> RunAsync<T>(
        Func<SessionsDbContext, Task<T>> operation, StoreWrite<T>? write, bool explicitTransaction, CancellationToken cancellationToken)
    {
        var commit = new CommitState();
        try
        {
            return await RunAttemptsAsync(operation, write, explicitTransaction, commit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (write is not null && (commit.Unresolved || IsOwnKeyTaken(ex)) && ex is not OperationCanceledException)
        {
            // Retries are off, ran out, or the failure was not one the strategy retries: one lookup settles it.
            ExecutionResult<T> stored;
            try
            {
                var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                await using (context.ConfigureAwait(false))
                {
                    stored = await write.FindStored(context, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception lookup) when (lookup is not OperationCanceledException)
            {
                throw new SessionWriteOutcomeUnknownException(write.Operation, write.SessionId, write.WriteId, ex);
            }

            return stored.IsSuccessful ? stored.Result : throw StoreFailureTranslator.Translate(ex);
        }
        catch (Exception ex)
        {
            throw StoreFailureTranslator.Translate(ex);
        }
    }

    private async Task<T> RunAttemptsAsync<T>(
        Func<SessionsDbContext, Task<T>> operation, StoreWrite<T>? write, bool explicitTransaction, CommitState commit, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                try
                {
                    // Each try of the execution strategy is a whole transaction, so a retry never half-repeats an
                    // operation; the lookup runs first whenever the previous try's COMMIT may have gone through.
                    return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                        commit,
                        async (_, state, ct) =>
                        {
                            context.ChangeTracker.Clear();

                            // The operation's transaction is the unit of failure, so EF's savepoint around SaveChanges
                            // inside it would only cost two round trips (SAVEPOINT and RELEASE) per write.
                            context.Database.AutoSavepointsEnabled = false;
                            if (!explicitTransaction)
                            {
                                return await RunStatementAsync(context, operation, write is null ? null : state, ct).ConfigureAwait(false);
                            }

                            var transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                            await using (transaction.ConfigureAwait(false))
                            {
                                var result = await operation(context).ConfigureAwait(false);
                                state.Unresolved = true;
                                await transaction.CommitAsync(ct).ConfigureAwait(false);
                                state.Unresolved = false;
                                return result;
                            }
                        },
                        write is null ? null : async (_, state, ct) =>
                        {
                            if (!state.Unresolved)
                            {
                                return new ExecutionResult<T>(successful: false, result: default!);
                            }

                            var stored = await write.FindStored(context, ct).ConfigureAwait(false);
                            state.Unresolved = false;
                            return stored;
                        },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < EfCoreSessionStore.MaxAttempts && IsAbsorbableRace(ex))
                {
                    // PostgreSQL reported the race, so nothing of this attempt was committed. Start again with a fresh
                    // context: the next attempt reads the state the winner left.
                    commit.Unresolved = false;
                }
            }
        }
    }

    private static async Task<T> RunStatementAsync<T>(
        SessionsDbContext context, Func<SessionsDbContext, Task<T>> operation, CommitState? commit, CancellationToken cancellationToken)
    {
        if (commit is null)
        {
            return await operation(context).ConfigureAwait(false);
        }

        // Opened first, so that a server that cannot be reached is an ordinary failure: nothing was sent yet.
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            commit.Unresolved = true;
            var result = await operation(context).ConfigureAwait(false);
            commit.Unresolved = false;
            return result;
        }
        catch (Exception ex) when (!MayHaveCommitted(ex))
        {
            commit.Unresolved = false;
            throw;
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Whether a COMMIT was sent whose outcome nobody has checked yet; shared by every attempt of one call.</summary>
    private sealed class CommitState
    {
        public bool Unresolved { get; set; }
    }
}
