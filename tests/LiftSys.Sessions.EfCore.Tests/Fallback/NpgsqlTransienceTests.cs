using System.Net.Sockets;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// What the store's failure handling assumes about Npgsql's <see cref="NpgsqlException.IsTransient"/>, pinned so that an
/// Npgsql upgrade that changes it fails here rather than silently: the write-back treats a PostgreSQL error as permanent
/// exactly when it is not transient, which must keep the server's shutdown and start-up refusals (the outage states)
/// transient; and the translator and the outage classifier read the exception chain themselves, which must cover every
/// reason an <see cref="NpgsqlException"/> counts as transient.
/// </summary>
public sealed class NpgsqlTransienceTests
{
    [TestCase(PostgresErrorCodes.AdminShutdown)]
    [TestCase(PostgresErrorCodes.CrashShutdown)]
    [TestCase(PostgresErrorCodes.CannotConnectNow)]
    public void IsTransient_server_shutting_down_or_starting_is_transient(string sqlState)
        => Assert.That(new PostgresException("refused", "FATAL", "FATAL", sqlState).IsTransient, Is.True);

    [Test]
    public void IsTransient_npgsql_exception_is_transient_only_through_its_inner_exception()
    {
        var outcomes = new[]
        {
            new NpgsqlException("no cause").IsTransient,
            new NpgsqlException("no cause", new InvalidOperationException("x", new IOException())).IsTransient,
            new NpgsqlException("io", new IOException()).IsTransient,
            new NpgsqlException("socket", new SocketException((int)SocketError.ConnectionRefused)).IsTransient,
            new NpgsqlException("timeout", new TimeoutException()).IsTransient,
            new NpgsqlException("nested", new NpgsqlException("io", new IOException())).IsTransient,
        };

        Assert.That(outcomes, Is.EqualTo(new[] { false, false, true, true, true, true }));
    }
}
