using System.Text.Json;
using LiftSys.Sessions.EfCore.Store.Fallback;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// A real outage: a PostgreSQL server of this fixture's own, stopped with <c>pg_ctl stop -m fast</c> and started again,
/// while a host with <c>WithFallbackToMemory</c> keeps serving. Tests run one after another on the one server.
/// </summary>
[NonParallelizable]
public sealed class OutageTests
{
    private static readonly Guid Alice = Guid.Parse("5a1ce000-0000-4000-8000-00000000fa11");
    private static readonly Guid Bob = Guid.Parse("b0b00000-0000-4000-8000-00000000fa11");

    private DedicatedPostgresServer server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => server = await DedicatedPostgresServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await server.DisposeAsync();

    [Test]
    public async Task Stopped_server_trips_the_breaker_and_sessions_in_postgresql_are_unavailable_never_missing()
    {
        await using var host = FallbackHost.Start(server.AppConnectionString);
        var stored = await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("stored before the outage"));
        var healthyBefore = (await host.HealthAsync()).Status;

        await server.StopServerAsync();
        try
        {
            using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
            await FallbackOutage.TripAsync(host, stored.Id, Alice);
            var created = await host.Store.CreateFromPromptAsync("created during the outage");
            var readBack = await host.Store.GetAsync(created.Id);
            var refusals = new Func<Task>[]
            {
                () => host.Store.GetAsync(stored.Id),
                () => host.Store.GetHistoryAsync(stored.Id),
                () => host.Store.GetTimelineAsync(stored.Id),
                () => host.Store.AppendRevisionAsync(stored.Id, RevisionSource.UserEdit, JsonSerializer.SerializeToElement(new { a = 1 })),
                () => host.Store.UpdateAsync(stored),
                () => host.Store.PauseAsync(stored.Id),
                () => host.Store.DeleteAsync(stored.Id),
                () => host.Store.GetAsync(Guid.NewGuid()),
                () => host.Store.ListActiveAsync(PageRequest.First()),
                () => host.Store.SearchAsync(SessionSearchTarget.Metadata, JsonSerializer.SerializeToElement(new { }), PageRequest.First()),
            };
            var outcomes = new List<string>();
            foreach (var refusal in refusals)
            {
                outcomes.Add(await FallbackOutage.OutcomeAsync(refusal));
            }

            var health = await host.HealthAsync();

            Assert.Multiple(() =>
            {
                Assert.That(healthyBefore, Is.EqualTo(HealthStatus.Healthy));
                Assert.That(host.State.FallbackActive, Is.True);
                Assert.That(host.Memory.Holds(created.Id), Is.True);
                Assert.That(readBack?.Session.OriginalInput, Is.EqualTo("created during the outage"));
                Assert.That(outcomes, Is.All.EqualTo(nameof(SessionStoreUnavailableException) + ", retry after: within the break"));
                Assert.That(health.Status, Is.EqualTo(HealthStatus.Degraded));
                Assert.That(health.Data["fallback_reason"], Does.Contain("unreachable"));
                Assert.That(host.Gauge("liftsys.sessions.fallback.active"), Is.EqualTo(1));
                Assert.That(host.Gauge("liftsys.sessions.fallback.pending"), Is.EqualTo(1));
                Assert.That(host.Logs.Count(3001), Is.EqualTo(1));
            });
        }
        finally
        {
            await server.StartServerAsync();
        }

        await FallbackOutage.RecoverAsync(host, stored.Id, Alice);
        await host.WaitForWriteBackAsync();
    }

    [Test]
    public async Task Recovered_server_gets_every_session_written_back_and_a_restart_still_has_every_write()
    {
        Guid stored;
        SessionHistory expectedAlice;
        SessionHistory expectedBob;
        HealthStatus healthAfter;
        long gaugeAfter;
        long written;
        long failed;
        int memoryAfter;
        SessionSnapshot? servedAfter;
        int writtenBackLogs;
        await using (var host = FallbackHost.Start(server.AppConnectionString))
        {
            stored = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("stored before the outage"))).Id;
            await server.StopServerAsync();
            Guid aliceSession;
            Guid bobSession;
            try
            {
                using (SessionActorScope.Begin(SessionActor.ForUser(Alice), "test"))
                {
                    await FallbackOutage.TripAsync(host, stored, Alice);
                    aliceSession = await WriteEverythingAsync(host.Store);
                }

                bobSession = (await FallbackOutage.AsAsync(Bob, () => host.Store.CreateFromCodeAsync("print('bob')"))).Id;
                expectedAlice = host.Memory.Export(aliceSession)!;
                expectedBob = host.Memory.Export(bobSession)!;
            }
            finally
            {
                await server.StartServerAsync();
            }

            await FallbackOutage.RecoverAsync(host, stored, Alice);
            await host.WaitForWriteBackAsync();
            healthAfter = (await host.HealthAsync()).Status;
            gaugeAfter = host.Gauge("liftsys.sessions.fallback.active");
            written = host.Sum("liftsys.sessions.fallback.write_backs", "outcome", "written");
            failed = host.Sum("liftsys.sessions.fallback.write_backs", "outcome", "failed");
            memoryAfter = host.Memory.SessionCount;
            servedAfter = await FallbackOutage.AsAsync(Alice, () => host.Store.GetAsync(aliceSession));
            writtenBackLogs = host.Logs.Count(3004);
        }

        // A restart: a new host (its memory empty) sees only what PostgreSQL has.
        await using var restarted = FallbackHost.Start(server.AppConnectionString);
        var aliceAfterRestart = await FallbackOutage.AsAsync(Alice, () => restarted.Store.GetHistoryAsync(expectedAlice.Session.Id));
        var bobAfterRestart = await FallbackOutage.AsAsync(Bob, () => restarted.Store.GetHistoryAsync(expectedBob.Session.Id));
        var bobsSeenByAlice = await FallbackOutage.AsAsync(Alice, () => restarted.Store.GetAsync(expectedBob.Session.Id));
        var alicesList = await FallbackOutage.AsAsync(Alice, () => restarted.Store.ListByStatusAsync(SessionStatus.Finalized, PageRequest.First()));

        Assert.Multiple(() =>
        {
            Assert.That(HistoryFingerprint.Of(aliceAfterRestart!), Is.EqualTo(HistoryFingerprint.Of(expectedAlice)));
            Assert.That(HistoryFingerprint.Of(bobAfterRestart!), Is.EqualTo(HistoryFingerprint.Of(expectedBob)));
            Assert.That(bobsSeenByAlice, Is.Null, "written back under its owner: row-level security still separates users");
            Assert.That(alicesList.Items.Select(s => s.Id), Does.Contain(expectedAlice.Session.Id));
            Assert.That(servedAfter?.Session.Id, Is.EqualTo(expectedAlice.Session.Id));
            Assert.That((memoryAfter, written, failed, writtenBackLogs), Is.EqualTo((0, 2L, 0L, 2)));
            Assert.That(healthAfter, Is.EqualTo(HealthStatus.Healthy));
            Assert.That(gaugeAfter, Is.EqualTo(0));
        });
    }

    [Test]
    public async Task Session_postgresql_refuses_to_take_back_stays_in_memory_and_is_logged_counted_and_reported()
    {
        await using var host = FallbackHost.Start(server.AppConnectionString);
        var stored = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("stored before the outage"))).Id;
        await server.StopServerAsync();
        Session kept;
        try
        {
            using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
            await FallbackOutage.TripAsync(host, stored, Alice);
            kept = await host.Store.CreateFromPromptAsync("kept in memory");
        }
        finally
        {
            await server.StartServerAsync();
        }

        // Before the breaker probes again, another client stores a session of Bob's under the same id.
        await using (var superuser = await server.OpenSuperuserConnectionAsync())
        {
            await superuser.ExecuteAsync("INSERT INTO sessions (id, user_id, original_input) VALUES ($1, $2, 'squatter')", kept.Id, Bob);
        }

        await FallbackOutage.RecoverAsync(host, stored, Alice);
        await host.WaitForWriteBackAsync();
        var health = await host.HealthAsync();
        var stillServed = await FallbackOutage.AsAsync(Alice, () => host.Store.GetAsync(kept.Id));
        var listed = await FallbackOutage.AsAsync(Alice, () => host.Store.ListActiveAsync(PageRequest.First()));
        string? squatter;
        await using (var superuser = await server.OpenSuperuserConnectionAsync())
        {
            squatter = await superuser.ScalarAsync<string>("SELECT original_input || ':' || user_id FROM sessions WHERE id = $1", kept.Id);
        }

        Assert.Multiple(() =>
        {
            Assert.That(host.State.WriteBackFailures.Keys, Is.EqualTo(new[] { kept.Id }));
            Assert.That(host.Sum("liftsys.sessions.fallback.write_backs", "outcome", "failed"), Is.EqualTo(1));
            Assert.That(host.Logs.Count(3005), Is.EqualTo(1));
            Assert.That(health.Status, Is.EqualTo(HealthStatus.Degraded));
            Assert.That((string[])health.Data["fallback_write_back_failed"], Has.One.StartsWith(kept.Id.ToString()));
            Assert.That(stillServed?.Session.OriginalInput, Is.EqualTo("kept in memory"));
            Assert.That(listed.Items.Select(s => s.Id), Is.SupersetOf(new[] { kept.Id, stored }), "lists merge memory's sessions with PostgreSQL's");
            Assert.That(squatter, Is.EqualTo($"squatter:{Bob}"));
        });
    }

    [Test]
    public async Task Write_back_interrupted_by_a_second_outage_completes_later_without_duplicates()
    {
        await using var host = FallbackHost.Start(server.AppConnectionString);
        var stored = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("stored before the outage"))).Id;
        await server.StopServerAsync();
        Guid kept;
        try
        {
            using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
            await FallbackOutage.TripAsync(host, stored, Alice);
            kept = await WriteEverythingAsync(host.Store);
        }
        finally
        {
            await server.StartServerAsync();
        }

        var expected = host.Memory.Export(kept)!;

        // Half a write-back: the rows reach PostgreSQL, but memory still holds the session (as if the process had been
        // interrupted before forgetting it); the next pass must complete it, not repeat it.
        await new FallbackWriteBack(host.ContextFactory).WriteAsync(expected, CancellationToken.None);
        await FallbackOutage.RecoverAsync(host, stored, Alice);
        await host.WaitForWriteBackAsync();

        int[] counts;
        await using (var superuser = await server.OpenSuperuserConnectionAsync())
        {
            counts =
            [
                await superuser.ScalarAsync<int>("SELECT count(*)::int FROM sessions WHERE id = $1", kept),
                await superuser.ScalarAsync<int>("SELECT count(*)::int FROM session_revisions WHERE session_id = $1", kept),
                await superuser.ScalarAsync<int>("SELECT count(*)::int FROM session_drafts WHERE session_id = $1", kept),
                await superuser.ScalarAsync<int>("SELECT count(*)::int FROM hole_resolutions WHERE session_id = $1", kept),
            ];
        }

        var history = await FallbackOutage.AsAsync(Alice, () => host.Store.GetHistoryAsync(kept));
        Assert.Multiple(() =>
        {
            Assert.That(counts, Is.EqualTo(new[] { 1, 3, 1, 1 }));
            Assert.That(HistoryFingerprint.Of(history!), Is.EqualTo(HistoryFingerprint.Of(expected)));
            Assert.That(host.Memory.SessionCount, Is.Zero);
        });
    }

    /// <summary>Creates a session and gives it every kind of history, as the acting user.</summary>
    internal static async Task<Guid> WriteEverythingAsync(ISessionStore store)
    {
        var session = await store.CreateFromPromptAsync(
            "Sort a list of numbers", new CreateSessionOptions { Metadata = JsonSerializer.SerializeToElement(new { tag = "outage", n = 1 }) });
        var first = await store.AppendRevisionAsync(
            session.Id,
            RevisionSource.Initial,
            JsonSerializer.SerializeToElement(new { intent = "sort", steps = new[] { "read", "sort" } }),
            new SessionRevisionDetails
            {
                ValidationResult = JsonSerializer.SerializeToElement(new { valid = true }),
                ChangeSummary = "first",
                Metadata = JsonSerializer.SerializeToElement(new { model = "m1" }),
            });
        var second = await store.AppendRevisionAsync(
            session.Id, RevisionSource.UserEdit, JsonSerializer.SerializeToElement(new { intent = "sort descending", steps = new[] { "read" } }));
        await store.AddDraftAsync(
            session.Id,
            DraftSource.InitialGeneration,
            "def sort(xs): return sorted(xs)",
            new SessionDraftDetails
            {
                IrRevisionId = second.Id, Language = "python", SyntaxValid = true, AstValid = true, GenerationTimeMs = 120,
                LlmTokensUsed = 900, LlmCostUsd = 0.0123m, ValidationErrors = JsonSerializer.SerializeToElement(new[] { "none" }),
            });
        await store.ResolveHoleAsync(
            session.Id,
            "?order",
            HoleType.ReturnValue,
            ResolutionMethod.UserSelection,
            JsonSerializer.SerializeToElement("descending"),
            new HoleResolutionDetails { IrRevisionId = first.Id, ConfidenceScore = 0.75m, UserFeedback = "right" });
        await store.RollbackToRevisionAsync(session.Id, 1);
        await store.FinalizeAsync(session.Id);
        return session.Id;
    }
}
