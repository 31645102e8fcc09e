using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// Issue 11, item 1: every write takes effect exactly once when the connection fails around its COMMIT, and the caller
/// hears the truth — the stored result, a typed "not written" or a typed "outcome unknown", never a duplicate nor a
/// false failure. The faults are real: <see cref="FaultInjectingProxy"/> sits between the store and PostgreSQL.
/// </summary>
public sealed class ExactlyOnceWriteTests
{
    private TestDatabase database = null!;

    private static IEnumerable<StoreWriteCase> Writes => StoreWriteCase.All;

    // One database for the fixture: every test acts as a user of its own, so the counts never mix.
    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public Task DropDatabase() => database.DisposeAsync().AsTask();

    [TestCaseSource(nameof(Writes))]
    public Task Write_commit_answer_lost_with_retries_stores_once_and_returns_stored_result(StoreWriteCase write)
        => AssertActSucceedsAndStoresOnceAsync(write, maxRetryCount: 3, ProxyFault.DropAfterCommit);

    [TestCaseSource(nameof(Writes))]
    public Task Write_commit_answer_lost_without_retries_verifies_and_returns_stored_result(StoreWriteCase write)
        => AssertActSucceedsAndStoresOnceAsync(write, maxRetryCount: 0, ProxyFault.DropAfterCommit);

    [TestCaseSource(nameof(Writes))]
    public async Task Write_commit_answer_lost_and_server_unreachable_throws_outcome_unknown_and_stores_once(StoreWriteCase write)
    {
        await using var harness = Harness.Start(database, maxRetryCount: 2);
        var arranged = await harness.ArrangeAsync(write);
        var sessionId = arranged.SessionId;
        var fault = harness.Proxy.Arm(ProxyFault.DropAfterCommitThenRefuse);

        var thrown = await Assert.ThrowsAsync<SessionWriteOutcomeUnknownException>(() => harness.ActAsync(write, arranged));

        await AssertFaultedAsync(fault);
        harness.Proxy.Heal();
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Operation, Is.EqualTo(write.Name.Replace("_in_revision", string.Empty, StringComparison.Ordinal)));
            Assert.That(thrown.InnerException, Is.Not.Null);
            if (sessionId != Guid.Empty)
            {
                Assert.That(thrown.SessionId, Is.EqualTo(sessionId));
            }
        });
        Assert.That(await harness.EffectAsync(write, sessionId), Is.EqualTo(write.After));
    }

    [TestCaseSource(nameof(Writes))]
    public Task Write_connection_dropped_before_commit_with_retries_stores_once(StoreWriteCase write)
        => AssertActSucceedsAndStoresOnceAsync(write, maxRetryCount: 3, ProxyFault.DropBeforeCommit);

    [TestCaseSource(nameof(Writes))]
    public async Task Write_connection_dropped_before_commit_without_retries_throws_unavailable_and_stores_nothing(StoreWriteCase write)
    {
        await using var harness = Harness.Start(database, maxRetryCount: 0);
        var arranged = await harness.ArrangeAsync(write);
        var sessionId = arranged.SessionId;
        var fault = harness.Proxy.Arm(ProxyFault.DropBeforeCommit);

        var thrown = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => harness.ActAsync(write, arranged));

        await AssertFaultedAsync(fault);
        Assert.That(Causes(thrown!), Has.Some.InstanceOf<NpgsqlException>());
        Assert.That(await harness.EffectAsync(write, sessionId), Is.EqualTo(write.Before));
    }

    private async Task AssertActSucceedsAndStoresOnceAsync(StoreWriteCase write, int maxRetryCount, ProxyFault armed)
    {
        await using var harness = Harness.Start(database, maxRetryCount);
        var arranged = await harness.ArrangeAsync(write);
        var sessionId = arranged.SessionId;
        var fault = harness.Proxy.Arm(armed);

        var result = await ActOrExplainAsync(harness, write, arranged);

        await AssertFaultedAsync(fault);
        Assert.That(await harness.EffectAsync(write, sessionId), Is.EqualTo(write.After));
        await harness.AssertIsStoredAsync(result);
    }

    private static async Task<object?> ActOrExplainAsync(Harness harness, StoreWriteCase write, ArrangedSession arranged)
    {
        try
        {
            return await harness.ActAsync(write, arranged);
        }
        catch (LiftSysSessionsException) when (harness.Proxy.WithheldErrors.Count > 0)
        {
            // The write did not commit because the server refused it, not because of the fault: say what it said.
            Assert.Fail("The server refused the write whose answer the proxy withheld: " + string.Join(" | ", harness.Proxy.WithheldErrors));
            throw;
        }
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static async Task AssertFaultedAsync(Task fault)
    {
        // The fault must really have hit the write's COMMIT, or the test proves nothing.
        var finished = await Task.WhenAny(fault, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.That(finished, Is.SameAs(fault), "the proxy never saw the write's COMMIT");
    }

    private sealed class Harness : IAsyncDisposable
    {
        private readonly Guid user = Guid.NewGuid();
        private readonly TestDatabase database;
        private readonly ServiceProvider services;

        private Harness(TestDatabase database, FaultInjectingProxy proxy, ServiceProvider services)
        {
            this.database = database;
            Proxy = proxy;
            this.services = services;
        }

        public FaultInjectingProxy Proxy { get; }

        private ISessionStore Store => services.GetRequiredService<ISessionStore>();

        public static Harness Start(TestDatabase database, int maxRetryCount)
        {
            var direct = database.Server.AppConnectionString(database.Name);
            var proxy = FaultInjectingProxy.Start(direct);
            var collection = new ServiceCollection();
            collection.AddLogging();
            collection.AddLiftSysSessions(o =>
            {
                o.ConnectionString = proxy.ConnectionStringThrough(direct);
                o.MaxRetryCount = maxRetryCount;
                o.MaxRetryDelay = TimeSpan.FromMilliseconds(20);
            });
            return new Harness(database, proxy, collection.BuildServiceProvider());
        }

        public async Task<ArrangedSession> ArrangeAsync(StoreWriteCase write)
        {
            using var actor = SessionActorScope.Begin(SessionActor.ForUser(user), "exactly-once test");
            return await write.Arrange(Store);
        }

        public async Task<object?> ActAsync(StoreWriteCase write, ArrangedSession arranged)
        {
            using var actor = SessionActorScope.Begin(SessionActor.ForUser(user), "exactly-once test");
            return await write.Act(Store, arranged);
        }

        public async Task<long> EffectAsync(StoreWriteCase write, Guid sessionId)
        {
            await using var connection = await database.OpenSuperuserConnectionAsync();
            return await connection.ScalarAsync<long>(write.EffectSql, sessionId, user);
        }

        /// <summary>Asserts that what the store returned is what it stored (the row, and for a session its current token).</summary>
        public async Task AssertIsStoredAsync(object? result)
        {
            await using var connection = await database.OpenSuperuserConnectionAsync();
            var matching = result switch
            {
                Session s => await connection.ScalarAsync<long>(
                    "SELECT count(*) FROM sessions WHERE id = $1 AND updated_at = $2 AND status = $3",
                    s.Id, s.UpdatedAt, SessionEnumText.ToText(s.Status)),
                SessionRevision r => await connection.ScalarAsync<long>(
                    "SELECT count(*) FROM session_revisions WHERE id = $1 AND revision_number = $2", r.Id, r.RevisionNumber),
                SessionDraft d => await connection.ScalarAsync<long>(
                    "SELECT count(*) FROM session_drafts WHERE id = $1 AND draft_number = $2", d.Id, d.DraftNumber),
                HoleResolution h => await connection.ScalarAsync<long>("SELECT count(*) FROM hole_resolutions WHERE id = $1", h.Id),
                _ => 1L,
            };
            Assert.That(matching, Is.EqualTo(1), $"the returned {result?.GetType().Name} is not the stored row");
        }

        public async ValueTask DisposeAsync()
        {
            await services.DisposeAsync();
            await Proxy.DisposeAsync();
        }
    }
}
