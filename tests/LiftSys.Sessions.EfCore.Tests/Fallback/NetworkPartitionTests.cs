using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// A network partition (every byte dropped, nothing closed: <see cref="FaultInjectingProxy.Partition"/>) looks like a
/// slow server to one operation, which times out; the probe's fresh connection times out too, which confirms the
/// outage, so the timeout is reported as unavailable and the breaker trips. Healed, the breaker closes by itself.
/// </summary>
public sealed class NetworkPartitionTests
{
    private static readonly Guid Alice = Guid.Parse("5a1ce000-0000-4000-8000-0000000ba27e");

    [Test]
    public async Task Operation_timing_out_behind_a_partition_is_a_confirmed_outage_and_reported_unavailable()
    {
        await using var database = await TestDatabase.CreateAsync();
        var direct = database.Server.AppConnectionString(database.Name);
        await using var proxy = FaultInjectingProxy.Start(direct);
        var through = new NpgsqlConnectionStringBuilder(proxy.ConnectionStringThrough(direct)) { Timeout = 2 }.ConnectionString;
        await using var host = FallbackHost.Start(through, o => o.CommandTimeout = TimeSpan.FromSeconds(1), f => f.ProbeTimeout = TimeSpan.FromSeconds(1));
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        var stored = await host.Store.CreateFromPromptAsync("stored before the partition");

        proxy.Partition();
        var failures = new List<Exception>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            failures.Add(await FailureOfAsync(() => host.Store.GetAsync(stored.Id)));
        }

        var created = await host.Store.CreateFromPromptAsync("created during the partition");
        var trips = host.State.Trips;
        proxy.Heal();
        await FallbackOutage.RecoverAsync(host, stored.Id, Alice);
        await host.WaitForWriteBackAsync();

        await using var superuser = await database.OpenSuperuserConnectionAsync();
        var written = await superuser.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE id = $1", created.Id);
        Assert.Multiple(() =>
        {
            Assert.That(failures, Has.All.InstanceOf<SessionStoreUnavailableException>());
            Assert.That(failures[0].Message, Does.Contain("a fresh connection could not be opened either"));
            Assert.That(failures[0].InnerException, Is.InstanceOf<SessionStoreTimeoutException>().With.Property(nameof(SessionStoreTimeoutException.Limit)).EqualTo(SessionStoreTimeoutLimit.CommandTimeout));
            Assert.That(trips, Is.EqualTo(1));
            Assert.That(written, Is.EqualTo(1), "kept in memory during the partition, written back after it");
        });
    }

    private static async Task<Exception> FailureOfAsync(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception ex)
        {
            return ex;
        }

        Assert.Fail("The operation was expected to fail.");
        return null!;
    }
}
