using LiftSys.Sessions.EfCore.Store.Fallback;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// An operation that finds a session in memory, and then does not, because the write-back moved it to PostgreSQL in
/// between, is PostgreSQL's to answer: never "not found" for a session that exists. The write-back is made to land in
/// that window deterministically: it runs (for real, against this fixture's own server) when memory asks who is acting,
/// which it does after the fallback's check and before it looks the session up.
/// </summary>
[NonParallelizable]
public sealed class WrittenBackMeanwhileTests
{
    private static readonly Guid Alice = Guid.Parse("5a1ce000-0000-4000-8000-00000000b4c7");

    private DedicatedPostgresServer server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => server = await DedicatedPostgresServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await server.DisposeAsync();

    [Test]
    public async Task Read_of_a_session_written_back_meanwhile_is_answered_by_postgresql()
    {
        var actors = new WriteBackOnNextRead(SessionActor.ForUser(Alice));
        await using var host = FallbackHost.Start(server.AppConnectionString, actors: actors);
        var kept = await KeepInMemoryPastTheBreakAsync(host, "written back while read");

        actors.Arm(host.Fallback.Recovery);
        var read = await host.Store.GetAsync(kept);

        Assert.Multiple(() =>
        {
            Assert.That(actors.PassResult, Is.True, "the write-back ran inside the read");
            Assert.That(read?.Session.OriginalInput, Is.EqualTo("written back while read"));
            Assert.That(host.Memory.Holds(kept), Is.False);
            Assert.That(host.State.FallbackActive, Is.False, "PostgreSQL answered, so the probe closed the breaker");
        });
    }

    [Test]
    public async Task Write_to_a_session_written_back_meanwhile_is_made_in_postgresql()
    {
        var actors = new WriteBackOnNextRead(SessionActor.ForUser(Alice));
        await using var host = FallbackHost.Start(server.AppConnectionString, actors: actors);
        var kept = await KeepInMemoryPastTheBreakAsync(host, "written back while paused");

        actors.Arm(host.Fallback.Recovery);
        var paused = await host.Store.PauseAsync(kept);

        await using var superuser = await server.OpenSuperuserConnectionAsync();
        var status = await superuser.ScalarAsync<string>("SELECT status FROM sessions WHERE id = $1", kept);
        Assert.Multiple(() =>
        {
            Assert.That(actors.PassResult, Is.True, "the write-back ran inside the pause");
            Assert.That(paused.Status, Is.EqualTo(SessionStatus.Paused));
            Assert.That(status, Is.EqualTo("paused"));
            Assert.That(host.Memory.Holds(kept), Is.False);
        });
    }

    /// <summary>
    /// Keeps a session in memory over a real outage and starts the server again; then waits out the break, so the next
    /// operation that reaches PostgreSQL probes it and closes the breaker. No pass runs before that.
    /// </summary>
    private async Task<Guid> KeepInMemoryPastTheBreakAsync(FallbackHost host, string prompt)
    {
        var stored = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("stored before the outage"))).Id;
        await server.StopServerAsync();
        Guid kept;
        try
        {
            await FallbackOutage.TripAsync(host, stored, Alice);
            kept = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync(prompt))).Id;
        }
        finally
        {
            await server.StartServerAsync();
        }

        await Task.Delay(FallbackHost.BreakDuration + TimeSpan.FromMilliseconds(500));
        Assert.That(host.Memory.Holds(kept), Is.True);
        return kept;
    }

    /// <summary>Tells who is acting; once armed, first runs a write-back pass to its end, once.</summary>
    private sealed class WriteBackOnNextRead(SessionActor actor) : ISessionActorAccessor
    {
        private FallbackRecovery? armed;

        public bool? PassResult { get; private set; }

        public SessionActor Current
        {
            get
            {
                if (Interlocked.Exchange(ref armed, null) is { } recovery)
                {
                    // The accessor is synchronous; the pass runs on the thread pool meanwhile.
                    PassResult = Task.Run(() => recovery.RunPassAsync(CancellationToken.None)).GetAwaiter().GetResult();
                }

                return actor;
            }
        }

        public void Arm(FallbackRecovery recovery) => Volatile.Write(ref armed, recovery);
    }
}
