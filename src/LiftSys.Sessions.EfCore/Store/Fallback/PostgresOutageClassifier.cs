using System.Net.Sockets;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Store.Fallback;

/// <summary>
/// Reads a failed operation's exception chain (direct, or wrapped by EF Core, the execution strategy or the library's
/// own exceptions — every <see cref="Exception.InnerException"/> is walked) and tells whether it may mean that
/// PostgreSQL cannot be reached. "May": a dropped connection, a refused connection and a timeout look alike from one
/// operation, so the breaker confirms each candidate with a fresh connection (<see cref="PostgresConnectivityProbe"/>)
/// before it counts as an outage.
/// </summary>
internal static class PostgresOutageClassifier
{
    private const int MaxDepth = 32;

    /// <summary>
    /// <see langword="true"/> for a connection that could not be opened or was lost (socket and stream errors), a timeout
    /// (a connect timeout looks like a command timeout or an exhausted pool), and the server's own shutdown and start-up
    /// refusals (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now); <see langword="false"/> for
    /// every other error PostgreSQL reports (constraints, serialization failures, deadlocks, permissions, 53300 too many
    /// connections — a server that answers is reachable), for cancellation, and for the library's own refusals.
    /// </summary>
    public static bool MayBeOutage(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var pending = new Stack<Exception>();
        pending.Push(exception);
        for (var seen = 0; pending.Count > 0 && seen < MaxDepth; seen++)
        {
            var current = pending.Pop();
            switch (current)
            {
                case OperationCanceledException:
                    // Somebody cancelled, whatever the connection was doing at the time.
                    return false;
                case PostgresException postgres:
                    // The server answered: only its refusals to serve at all say anything about reachability.
                    return StoreFailureTranslator.IsServerShuttingDownOrStarting(postgres.SqlState);
                case SocketException or IOException or TimeoutException:
                    return true;
                case AggregateException aggregate:
                    foreach (var inner in aggregate.InnerExceptions)
                    {
                        pending.Push(inner);
                    }

                    break;
                default:
                    if (current.InnerException is { } cause)
                    {
                        pending.Push(cause);
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>
    /// <see langword="true"/> when opening a fresh connection failed because PostgreSQL could not be reached or refused
    /// every connection (shutting down, starting up); <see langword="false"/> when the server answered with anything
    /// else (too many connections, a bad password, a missing database): it is reachable.
    /// </summary>
    public static bool IsUnreachableOnOpen(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
            {
                return StoreFailureTranslator.IsServerShuttingDownOrStarting(postgres.SqlState);
            }
        }

        return true;
    }
}
