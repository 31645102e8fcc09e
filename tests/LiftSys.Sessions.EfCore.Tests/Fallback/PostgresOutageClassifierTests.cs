using System.Net.Sockets;
using LiftSys.Sessions.EfCore.Store.Fallback;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// Which failures may mean PostgreSQL is unreachable (and are then confirmed with a fresh connection), found whether
/// the Npgsql exception arrives directly or wrapped by EF Core, the execution strategy or the library's own exceptions.
/// </summary>
public sealed class PostgresOutageClassifierTests
{
    private static IEnumerable<TestCaseData> Failures()
    {
        yield return Case("connection refused", Connect(SocketError.ConnectionRefused), true);
        yield return Case("host unreachable", Connect(SocketError.HostUnreachable), true);
        yield return Case("network unreachable", Connect(SocketError.NetworkUnreachable), true);
        yield return Case("host not found", Connect(SocketError.HostNotFound), true);
        yield return Case("connection reset", new NpgsqlException("Exception while reading from stream", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))), true);
        yield return Case("end of stream", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()), true);
        yield return Case("connect or command timeout", new NpgsqlException("Exception while reading from stream", new TimeoutException()), true);
        yield return Case("pool exhausted", new NpgsqlException("The connection pool has been exhausted", new TimeoutException()), true);
        yield return Case("57P01 admin shutdown", Postgres(PostgresErrorCodes.AdminShutdown), true);
        yield return Case("57P02 crash shutdown", Postgres(PostgresErrorCodes.CrashShutdown), true);
        yield return Case("57P03 starting up", Postgres(PostgresErrorCodes.CannotConnectNow), true);
        yield return Case("40001 serialization failure", Postgres(PostgresErrorCodes.SerializationFailure), false);
        yield return Case("40P01 deadlock", Postgres(PostgresErrorCodes.DeadlockDetected), false);
        yield return Case("55P03 lock not available", Postgres(PostgresErrorCodes.LockNotAvailable), false);
        yield return Case("57014 statement cancelled", Postgres(PostgresErrorCodes.QueryCanceled), false);
        yield return Case("53300 too many connections", Postgres(PostgresErrorCodes.TooManyConnections), false);
        yield return Case("23505 unique violation", new DbUpdateException("save", Postgres(PostgresErrorCodes.UniqueViolation)), false);
        yield return Case("23514 check violation", new DbUpdateException("save", Postgres(PostgresErrorCodes.CheckViolation)), false);
        yield return Case("42501 insufficient privilege", Postgres(PostgresErrorCodes.InsufficientPrivilege), false);
        yield return Case("a timeout behind a 57014", new NpgsqlException("timeout", Postgres(PostgresErrorCodes.QueryCanceled)), false);
        yield return Case("cancellation", new OperationCanceledException("cancelled", new NpgsqlException("x", new SocketException((int)SocketError.ConnectionRefused))), false);
        yield return Case("validation", new SessionValidationException("prompt", ValidationRule.Required, "prompt is required"), false);
        yield return Case("not found", new SessionNotFoundException(Guid.Empty), false);
        yield return Case("unrelated", new InvalidOperationException("something else"), false);
    }

    [TestCaseSource(nameof(Failures))]
    public void MayBeOutage_raw_npgsql_exception_is_classified(Exception failure, bool expected)
        => Assert.That(PostgresOutageClassifier.MayBeOutage(failure), Is.EqualTo(expected));

    [TestCaseSource(nameof(Failures))]
    public void MayBeOutage_wrapped_by_the_execution_strategy_and_the_library_is_classified_the_same(Exception failure, bool expected)
    {
        var wrapped = new SessionStoreUnavailableException(
            "store",
            TimeSpan.FromSeconds(1),
            new RetryLimitExceededException("retries", new InvalidOperationException("transient", new AggregateException(failure))));

        Assert.That(PostgresOutageClassifier.MayBeOutage(wrapped), Is.EqualTo(expected));
    }

    [Test]
    public void IsUnreachableOnOpen_server_that_answers_is_reachable_unless_shutting_down_or_starting()
    {
        var outcomes = new[]
        {
            PostgresOutageClassifier.IsUnreachableOnOpen(Connect(SocketError.ConnectionRefused)),
            PostgresOutageClassifier.IsUnreachableOnOpen(new NpgsqlException("connect", new TimeoutException())),
            PostgresOutageClassifier.IsUnreachableOnOpen(Postgres(PostgresErrorCodes.CannotConnectNow)),
            PostgresOutageClassifier.IsUnreachableOnOpen(Postgres(PostgresErrorCodes.TooManyConnections)),
            PostgresOutageClassifier.IsUnreachableOnOpen(Postgres(PostgresErrorCodes.InvalidPassword)),
        };

        Assert.That(outcomes, Is.EqualTo(new[] { true, true, true, false, false }));
    }

    private static TestCaseData Case(string name, Exception failure, bool expected) => new TestCaseData(failure, expected).SetArgDisplayNames(name);

    private static NpgsqlException Connect(SocketError error) => new("Failed to connect to 127.0.0.1:5432", new SocketException((int)error));

    private static PostgresException Postgres(string sqlState) => new("message", "FATAL", "FATAL", sqlState);
}
