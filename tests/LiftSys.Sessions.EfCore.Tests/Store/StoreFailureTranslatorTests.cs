using System.Net.Sockets;
using LiftSys.Sessions.EfCore.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// The translator's mapping, case by case, from the exceptions Npgsql and EF Core construct (the real faults behind the
/// common cases are in <see cref="StoreFailureTests"/> and <see cref="ConnectionLimitTests"/>): each SQLSTATE class, each
/// kind of timeout, causes wrapped at any depth, and exceptions that are not Npgsql's at all.
/// </summary>
public sealed class StoreFailureTranslatorTests
{
    private static IEnumerable<TestCaseData> Failures()
    {
        yield return Case("connect refused", Npgsql("Failed to connect to 127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused)), "unavailable 5s");
        yield return Case("exception while connecting", Npgsql("Exception while connecting", new InvalidOperationException("handshake")), "unavailable 5s");
        yield return Case("stream reset", Npgsql("Exception while reading from stream", new IOException("reset")), "unavailable 5s");
        yield return Case("bare socket error", new SocketException((int)SocketError.ConnectionReset), "unavailable 5s");
        yield return Case("end of stream under EF", new DbUpdateException("save", Npgsql("Exception while writing to stream", new EndOfStreamException())), "unavailable 5s");
        yield return Case("57P01 admin shutdown", Postgres(PostgresErrorCodes.AdminShutdown), "unavailable 5s");
        yield return Case("57P02 crash shutdown", Postgres(PostgresErrorCodes.CrashShutdown), "unavailable 5s");
        yield return Case("57P03 cannot connect now", Postgres(PostgresErrorCodes.CannotConnectNow), "unavailable 5s");
        yield return Case("08006 connection failure", Postgres(PostgresErrorCodes.ConnectionFailure), "unavailable 5s");
        yield return Case("08P01 protocol violation", Postgres(PostgresErrorCodes.ProtocolViolation), "unavailable 5s");
        yield return Case("53300 too many connections", Postgres(PostgresErrorCodes.TooManyConnections), "unavailable 1s");
        yield return Case(
            "pool exhausted",
            Npgsql("The connection pool has been exhausted, either raise 'Max Pool Size' (currently 1) or 'Timeout' (currently 1 seconds)", new TimeoutException()),
            "timeout PoolTimeout 1s");
        yield return Case("55P03 lock timeout", Postgres(PostgresErrorCodes.LockNotAvailable, "canceling statement due to lock timeout"), "timeout LockTimeout 1s");
        yield return Case("57014 statement timeout", Postgres(PostgresErrorCodes.QueryCanceled, "canceling statement due to statement timeout"), "timeout StatementTimeout 1s");
        yield return Case("57014 cancel request", Postgres(PostgresErrorCodes.QueryCanceled, "canceling statement due to user request"), "timeout CommandTimeout 1s");
        yield return Case("command timeout", Npgsql("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")), "timeout CommandTimeout 1s");
        yield return Case("bare timeout", new TimeoutException(), "timeout CommandTimeout 1s");
        yield return Case("23505 unique violation under EF", new DbUpdateException("save", Postgres(PostgresErrorCodes.UniqueViolation, "duplicate key")), "failure");
        yield return Case("40001 serialization failure", Postgres(PostgresErrorCodes.SerializationFailure, "could not serialize"), "failure");
        yield return Case("42501 insufficient privilege", Postgres(PostgresErrorCodes.InsufficientPrivilege, "permission denied"), "failure");
        yield return Case("plain Npgsql error", Npgsql("Received unexpected backend message", null), "failure");
        yield return Case("not Npgsql at all", new InvalidOperationException("The model changed"), "failure");
    }

    [TestCaseSource(nameof(Failures))]
    public void Translate_failure_becomes_the_typed_exception_with_the_cause_attached(Exception failure, string expected)
    {
        var translated = StoreFailureTranslator.Translate(failure);

        Assert.Multiple(() =>
        {
            Assert.That(Describe(translated), Is.EqualTo(expected));
            Assert.That(translated.InnerException, Is.SameAs(failure));
            Assert.That(translated.Message, expected == "failure" ? Does.EndWith(failure.GetBaseException().Message) : Does.Not.Contain("retries"));
        });
    }

    [TestCaseSource(nameof(Failures))]
    public void Translate_failure_under_the_retry_limit_is_the_same_and_says_the_retries_ran_out(Exception failure, string expected)
    {
        var exhausted = new RetryLimitExceededException("retries", new InvalidOperationException("transient failure", failure));

        var translated = StoreFailureTranslator.Translate(exhausted);

        Assert.Multiple(() =>
        {
            Assert.That(Describe(translated), Is.EqualTo(expected));
            Assert.That(translated.Message, expected == "failure" ? Does.Not.Contain("retries") : Does.Contain("after the store's retries ran out"));
            Assert.That(translated.InnerException, Is.SameAs(exhausted));
        });
    }

    [Test]
    public void Translate_library_exception_or_cancellation_is_returned_as_it_is()
    {
        Exception own = new SessionNotFoundException(Guid.NewGuid());
        Exception cancelled = new OperationCanceledException("cancelled", Npgsql("Exception while reading from stream", new IOException()));

        Assert.Multiple(() =>
        {
            Assert.That(StoreFailureTranslator.Translate(own), Is.SameAs(own));
            Assert.That(StoreFailureTranslator.Translate(cancelled), Is.SameAs(cancelled));
        });
    }

    [Test]
    public void Translate_library_exception_wrapped_by_ef_is_unwrapped_whatever_its_depth()
    {
        var refusal = new SessionValidationException("prompt", ValidationRule.Required, "prompt is required");
        var wrapped = new DbUpdateException("save", new InvalidOperationException("interceptor", refusal));

        Assert.That(StoreFailureTranslator.Translate(wrapped), Is.SameAs(refusal));
    }

    private static string Describe(Exception translated) => translated switch
    {
        SessionStoreTimeoutException timeout => $"timeout {timeout.Limit} {timeout.RetryAfter.TotalSeconds}s",
        SessionStoreUnavailableException unavailable => $"unavailable {unavailable.RetryAfter.TotalSeconds}s",
        SessionStoreFailureException => "failure",
        _ => translated.GetType().Name,
    };

    private static TestCaseData Case(string name, Exception failure, string expected) => new TestCaseData(failure, expected).SetArgDisplayNames(name);

    private static NpgsqlException Npgsql(string message, Exception? inner) => new(message, inner);

    private static PostgresException Postgres(string sqlState, string message = "message") => new(message, "ERROR", "ERROR", sqlState);
}
