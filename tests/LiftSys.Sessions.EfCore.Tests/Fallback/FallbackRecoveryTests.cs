using System.Text.Json;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// The write-back against real faults on this fixture's own server: a session that changes while it is written back, a
/// COMMIT whose reply is lost, a server that refuses connections, a row PostgreSQL rejects for good. Where a test must
/// control when a pass runs, it keeps the breaker open (nothing schedules a pass then) and runs the pass itself.
/// </summary>
[NonParallelizable]
public sealed class FallbackRecoveryTests
{
    private static readonly Guid Alice = Guid.Parse("5a1ce000-0000-4000-8000-0000000eb4c0");

    private DedicatedPostgresServer server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => server = await DedicatedPostgresServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await server.DisposeAsync();

    [Test]
    public async Task Session_changed_in_memory_while_it_is_written_back_is_written_again_with_the_change()
    {
        await using var host = FallbackHost.Start(server.AppConnectionString);
        var kept = await KeepInMemoryAsync(host, "changes while written back");
        await FallbackOutage.AsAsync(Alice, () => host.Store.AppendRevisionAsync(kept, RevisionSource.Initial, Ir(1)));

        bool passed;
        await using (var blocker = await server.OpenSuperuserConnectionAsync())
        {
            // An uncommitted row with the same id holds the write-back's INSERT until the change below is made.
            await blocker.ExecuteAsync("BEGIN");
            await blocker.ExecuteAsync("INSERT INTO sessions (id, user_id, original_input) VALUES ($1, $2, 'blocker')", kept, Alice);
            var pass = host.Fallback.Recovery.RunPassAsync(CancellationToken.None);
            await WaitForLockWaiterAsync();
            await FallbackOutage.AsAsync(Alice, () => host.Store.AppendRevisionAsync(kept, RevisionSource.UserEdit, Ir(2)));
            await blocker.ExecuteAsync("ROLLBACK");
            passed = await pass;
        }

        await using var superuser = await server.OpenSuperuserConnectionAsync();
        var stored = await superuser.ScalarAsync<string>(
            "SELECT original_input || ':' || revision_count || ':' || (current_ir ->> 'step') FROM sessions WHERE id = $1", kept);
        Assert.Multiple(() =>
        {
            Assert.That(passed, Is.True);
            Assert.That(stored, Is.EqualTo("changes while written back:2:2"), "the second attempt wrote the revision appended during the first");
            Assert.That(host.Memory.Holds(kept), Is.False);
            Assert.That(host.Logs.Count(3004), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Session_deleted_after_its_commit_reply_was_lost_is_deleted_from_postgresql_once_reachable()
    {
        await using var proxy = FaultInjectingProxy.Start(server.AppConnectionString);
        await using var host = FallbackHost.Start(proxy.ConnectionStringThrough(server.AppConnectionString));
        var kept = await KeepInMemoryAsync(host, "committed, reply lost, then deleted");

        // The write-back's COMMIT goes through but its reply is lost, and the server stays unreachable for the next pass.
        var fault = proxy.Arm(ProxyFault.DropAfterCommitThenRefuse);
        var writeBackPassed = await host.Fallback.Recovery.RunPassAsync(CancellationToken.None);
        Assert.That(await Task.WhenAny(fault, Task.Delay(TimeSpan.FromSeconds(5))), Is.SameAs(fault), "the proxy never saw the write-back's COMMIT");
        await FallbackOutage.AsAsync(Alice, async () =>
        {
            await host.Store.DeleteAsync(kept);
            return true;
        });
        var servedAfterDelete = await FallbackOutage.AsAsync(Alice, () => host.Store.GetAsync(kept));
        var deletionPassed = await host.Fallback.Recovery.RunPassAsync(CancellationToken.None);
        var rowsWhileRefused = await CountAsync(kept);

        proxy.Heal();
        await FallbackOutage.RecoverAsync(host, await StoredIdAsync(), Alice);
        await WaitUntilNothingPendingAsync(host);

        Assert.Multiple(() =>
        {
            Assert.That((writeBackPassed, deletionPassed), Is.EqualTo((false, false)), "both passes were interrupted");
            Assert.That(servedAfterDelete, Is.Null, "deleted in memory: PostgreSQL's copy must not be served");
            Assert.That(rowsWhileRefused, Is.EqualTo(1), "the lost reply's COMMIT went through");
            Assert.That(host.Fallback.Recovery.IsDeleted(kept), Is.False);
            Assert.That(host.State.WriteBackFailures, Is.Empty);
            Assert.That(host.Logs.Count(3006), Is.GreaterThanOrEqualTo(2));
        });
        Assert.That(await CountAsync(kept), Is.Zero, "the deletion reached PostgreSQL");
    }

    [Test]
    public async Task Session_postgresql_rejects_stays_in_memory_and_lists_merge_it_with_every_page_of_postgresql()
    {
        await using var host = FallbackHost.Start(server.AppConnectionString);
        var kept = await KeepInMemoryAsync(host, "rejected by postgresql");
        await using var superuser = await server.OpenSuperuserConnectionAsync();
        await superuser.ExecuteAsync("ALTER TABLE sessions ADD CONSTRAINT test_rejects_write_back CHECK (original_input <> 'rejected by postgresql') NOT VALID");
        Page<Session> first;
        Page<Session> second;
        long inPostgres;
        try
        {
            // More of Alice's sessions in PostgreSQL than one page of the store's can carry.
            await superuser.ExecuteAsync(
                "INSERT INTO sessions (user_id, original_input) SELECT $1, 'bulk ' || n FROM generate_series(1, $2) AS n", Alice, PageRequest.MaxLimit + 100);
            inPostgres = await superuser.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = $1", Alice);
            await FallbackOutage.RecoverAsync(host, await StoredIdAsync(), Alice);
            await host.WaitForWriteBackAsync();
            first = await FallbackOutage.AsAsync(Alice, () => host.Store.ListActiveAsync(new PageRequest(0, PageRequest.MaxLimit)));
            second = await FallbackOutage.AsAsync(Alice, () => host.Store.ListActiveAsync(new PageRequest(PageRequest.MaxLimit, PageRequest.MaxLimit)));
        }
        finally
        {
            await superuser.ExecuteAsync("ALTER TABLE sessions DROP CONSTRAINT test_rejects_write_back");
        }

        var listed = first.Items.Concat(second.Items).Select(s => s.Id).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(host.State.WriteBackFailures.Keys, Is.EqualTo(new[] { kept }));
            Assert.That(host.State.WriteBackFailures[kept], Does.Contain("test_rejects_write_back"));
            Assert.That(host.Logs.Count(3005), Is.EqualTo(1));
            Assert.That(host.Memory.Holds(kept), Is.True);
            Assert.That((first.Items.Count, first.HasMore, second.HasMore), Is.EqualTo((PageRequest.MaxLimit, true, false)));
            Assert.That(listed, Is.Unique.And.Count.EqualTo(inPostgres + 1).And.Contains(kept), "every session once, memory's among PostgreSQL's");
        });
    }

    [Test]
    public async Task Pass_while_postgresql_is_down_is_interrupted_and_keeps_everything_in_memory()
    {
        await using var host = FallbackHost.Start(server.AppConnectionString);
        var stored = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("stored before the outage"))).Id;
        await server.StopServerAsync();
        bool passed;
        Guid kept;
        try
        {
            await FallbackOutage.TripAsync(host, stored, Alice);
            kept = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("kept while down"))).Id;
            passed = await host.Fallback.Recovery.RunPassAsync(CancellationToken.None);
        }
        finally
        {
            await server.StartServerAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(passed, Is.False);
            Assert.That(host.Memory.Holds(kept), Is.True);
            Assert.That(host.State.WriteBackFailures, Is.Empty, "an outage is no reason to give up on a session");
            Assert.That(host.Logs.Count(3006), Is.EqualTo(1));
        });
        await FallbackOutage.RecoverAsync(host, stored, Alice);
        await host.WaitForWriteBackAsync();
        Assert.That(await CountAsync(kept), Is.EqualTo(1));
    }

    private static JsonElement Ir(int n) => JsonSerializer.SerializeToElement(new { step = n });

    private static async Task WaitUntilNothingPendingAsync(FallbackHost host)
    {
        for (var poll = 0; poll < 300 && host.Fallback.Recovery.HasPending; poll++)
        {
            await host.Fallback.Recovery.WhenIdleAsync();
            host.Fallback.Recovery.Schedule(now: true);
            await Task.Delay(100);
        }

        Assert.That(host.Fallback.Recovery.HasPending, Is.False, "the write-back never finished");
    }

    /// <summary>
    /// Stores a session, stops the server, trips the breaker, creates a session in memory and starts the server again;
    /// the breaker stays open until an operation probes, so no pass runs by itself.
    /// </summary>
    private async Task<Guid> KeepInMemoryAsync(FallbackHost host, string prompt)
    {
        var stored = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("stored before the outage"))).Id;
        await server.StopServerAsync();
        try
        {
            await FallbackOutage.TripAsync(host, stored, Alice);
            return (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync(prompt))).Id;
        }
        finally
        {
            await server.StartServerAsync();
        }
    }

    private async Task<Guid> StoredIdAsync()
    {
        await using var superuser = await server.OpenSuperuserConnectionAsync();
        return await superuser.ScalarAsync<Guid>(
            "SELECT id FROM sessions WHERE user_id = $1 AND original_input = 'stored before the outage' ORDER BY created_at DESC LIMIT 1", Alice);
    }

    private async Task<long> CountAsync(Guid sessionId)
    {
        await using var superuser = await server.OpenSuperuserConnectionAsync();
        return await superuser.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE id = $1", sessionId);
    }

    private async Task WaitForLockWaiterAsync()
    {
        await using var watcher = await server.OpenSuperuserConnectionAsync();
        for (var poll = 0; poll < 200; poll++)
        {
            if (await watcher.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The write-back never waited for the lock.");
    }
}
