using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Store;

/// <summary>
/// Turns what the driver and EF Core throw into the library's own exceptions, so that a host handles
/// <see cref="LiftSysSessionsException"/> and nothing else: <see cref="SessionStoreUnavailableException"/> for a
/// database that cannot serve now, <see cref="SessionStoreTimeoutException"/> for a limit reached (saying which), and
/// <see cref="SessionStoreFailureException"/> for the rest. The cause is always kept as the inner exception, so that a
/// caller (the fallback, a log) can still walk down to the <see cref="NpgsqlException"/> or <see cref="SocketException"/>.
/// </summary>
internal static class StoreFailureTranslator
{
    /// <summary>The hint for a server that is down, starting or shutting down: long enough for a restart or failover to make progress.</summary>
    internal static readonly TimeSpan UnreachableRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The hint for a busy server (connections or locks held): short, because the holder usually finishes soon.</summary>
    internal static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Returns <paramref name="exception"/> itself when it is already the library's own or a cancellation, else its typed translation.</summary>
    internal static Exception Translate(Exception exception)
    {
        if (exception is LiftSysSessionsException or OperationCanceledException)
        {
            return exception;
        }

        // The library's own refusal, raised inside EF (an interceptor) and wrapped on the way out, stays the answer.
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is LiftSysSessionsException own)
            {
                return own;
            }
        }

        var retried = exception is RetryLimitExceededException ? " after the store's retries ran out" : string.Empty;
        var cause = Classify(exception);
        return cause switch
        {
            Cause.Unreachable => new SessionStoreUnavailableException(
                $"PostgreSQL could not be reached or dropped the connection{retried}.", UnreachableRetryAfter, exception),
            Cause.ShuttingDown => new SessionStoreUnavailableException(
                $"PostgreSQL is shutting down, starting or terminated the connection{retried}.", UnreachableRetryAfter, exception),
            Cause.TooManyConnections => new SessionStoreUnavailableException(
                $"PostgreSQL has no connection slot free (too many connections, 53300){retried}.", BusyRetryAfter, exception),
            Cause.PoolTimeout => new SessionStoreTimeoutException(
                SessionStoreTimeoutLimit.PoolTimeout,
                $"No pooled connection became free within the connection string's Timeout (every connection up to Max Pool Size is in use){retried}.",
                BusyRetryAfter,
                exception),
            Cause.LockTimeout => new SessionStoreTimeoutException(
                SessionStoreTimeoutLimit.LockTimeout, $"A lock wait exceeded PostgreSQL's lock_timeout (55P03){retried}.", BusyRetryAfter, exception),
            Cause.StatementTimeout => new SessionStoreTimeoutException(
                SessionStoreTimeoutLimit.StatementTimeout, $"A statement exceeded PostgreSQL's statement_timeout (57014){retried}.", BusyRetryAfter, exception),
            Cause.CommandTimeout => new SessionStoreTimeoutException(
                SessionStoreTimeoutLimit.CommandTimeout,
                $"PostgreSQL did not answer within the command timeout (often a lock held by another transaction){retried}.",
                BusyRetryAfter,
                exception),
            _ => new SessionStoreFailureException($"The database failed the operation: {exception.GetBaseException().Message}", exception),
        };
    }

    private static Cause Classify(Exception exception)
    {
        // The first classifiable exception down the chain decides: a PostgresException the server sent is more precise
        // than the transport failure that may wrap it, and EF wraps both (RetryLimitExceeded, DbUpdate, InvalidOperation).
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return Classify(postgres);
                case NpgsqlException npgsql when IsPoolExhaustion(npgsql):
                    return Cause.PoolTimeout;
                case NpgsqlException npgsql when IsConnectFailure(npgsql):
                    return Cause.Unreachable;
                case TimeoutException:
                    return Cause.CommandTimeout;
                case SocketException or IOException:
                    return Cause.Unreachable;
                default:
                    break;
            }
        }

        // Nothing down the chain says more: an NpgsqlException counts as transient only for the I/O, socket, timeout or
        // PostgreSQL error beneath it, each of which the loop has already classified.
        return Cause.Other;
    }

    private static Cause Classify(PostgresException exception) => exception.SqlState switch
    {
        PostgresErrorCodes.TooManyConnections => Cause.TooManyConnections,
        _ when IsServerShuttingDownOrStarting(exception.SqlState) => Cause.ShuttingDown,
        PostgresErrorCodes.LockNotAvailable => Cause.LockTimeout,

        // 57014 is also what a cancel request yields; Npgsql sends one when the command timeout elapses (and then
        // reports a TimeoutException, handled above) or when the caller cancels (an OperationCanceledException).
        PostgresErrorCodes.QueryCanceled when exception.MessageText.Contains("statement timeout", StringComparison.Ordinal) => Cause.StatementTimeout,
        PostgresErrorCodes.QueryCanceled => Cause.CommandTimeout,
        _ when exception.SqlState.StartsWith("08", StringComparison.Ordinal) => Cause.Unreachable,
        _ => Cause.Other,
    };

    /// <summary>
    /// Whether PostgreSQL refused to serve at all: 57P01 admin shutdown (also a terminated backend), 57P02 crash
    /// shutdown, 57P03 cannot connect now (starting up or shutting down). The fallback's outage classifier uses the same set.
    /// </summary>
    internal static bool IsServerShuttingDownOrStarting(string sqlState) =>
        sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;

    // Npgsql reports an exhausted pool with a plain NpgsqlException and no SQLSTATE or inner exception; its message is
    // the only mark it carries (stable across Npgsql 4–10).
    private static bool IsPoolExhaustion(NpgsqlException exception)
        => exception.Message.StartsWith("The connection pool has been exhausted", StringComparison.Ordinal);

    private static bool IsConnectFailure(NpgsqlException exception)
        => exception.Message.StartsWith("Failed to connect", StringComparison.Ordinal)
            || exception.Message.StartsWith("Exception while connecting", StringComparison.Ordinal);

    private enum Cause
    {
        Other,
        Unreachable,
        ShuttingDown,
        TooManyConnections,
        PoolTimeout,
        CommandTimeout,
        LockTimeout,
        StatementTimeout,
    }
}
