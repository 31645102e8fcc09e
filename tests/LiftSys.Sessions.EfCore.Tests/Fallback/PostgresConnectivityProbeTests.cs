using LiftSys.Sessions.EfCore.Store.Fallback;
using LiftSys.Sessions.EfCore.Tests.Store;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// The breaker's probe against real servers: a server that answers the connection attempt is reachable whatever its
/// answer (no connection slot free, no such database); only a server nobody answers for is not.
/// </summary>
public sealed class PostgresConnectivityProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Test]
    public async Task CheckAsync_server_that_accepts_the_connection_is_reachable()
    {
        await using var database = await TestDatabase.CreateAsync();
        var probe = new PostgresConnectivityProbe(database.Server.AppConnectionString(database.Name), Timeout);

        Assert.That(await probe.CheckAsync(CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task CheckAsync_closed_port_is_unreachable_with_the_failure_as_evidence()
    {
        var probe = new PostgresConnectivityProbe("Host=127.0.0.1;Port=1;Database=none;Username=nobody", Timeout);

        var failure = await probe.CheckAsync(CancellationToken.None);

        Assert.That(failure, Is.InstanceOf<NpgsqlException>());
    }

    [Test]
    public async Task CheckAsync_server_refusing_for_want_of_slots_is_reachable()
    {
        await using var database = await TestDatabase.CreateAsync();
        await ConnectionLimitTests.LimitConnectionsAsync(database, 0);
        var probe = new PostgresConnectivityProbe(database.Server.AppConnectionString(database.Name), Timeout);

        Assert.That(await probe.CheckAsync(CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task CheckAsync_server_without_the_database_is_reachable()
    {
        await using var database = await TestDatabase.CreateAsync();
        var missing = new NpgsqlConnectionStringBuilder(database.Server.AppConnectionString(database.Name)) { Database = "liftsys_no_such_database" };
        var probe = new PostgresConnectivityProbe(missing.ConnectionString, Timeout);

        Assert.That(await probe.CheckAsync(CancellationToken.None), Is.Null);
    }
}
