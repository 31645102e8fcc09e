using System.Text.Json;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// While the breaker is open (a real outage: this fixture's own server, stopped), memory serves every operation on the
/// sessions it holds, to their owners only, and the breaker keeps refusing what lives in PostgreSQL until a probe finds
/// the server back. Tests run one after another on the one server.
/// </summary>
[NonParallelizable]
public sealed class FallbackServingFromMemoryTests
{
    private static readonly Guid Alice = Guid.Parse("5a1ce000-0000-4000-8000-0000000f5e44");
    private static readonly Guid Bob = Guid.Parse("b0b00000-0000-4000-8000-0000000f5e44");

    private DedicatedPostgresServer server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => server = await DedicatedPostgresServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await server.DisposeAsync();

    [Test]
    public async Task Every_operation_on_a_session_memory_holds_is_served_by_memory_to_its_owner_only()
    {
        await using var host = FallbackHost.Start(server.AppConnectionString);
        var stored = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("stored before the outage"))).Id;
        await server.StopServerAsync();
        Session kept;
        Session errored;
        var served = new List<string>();
        SessionSnapshot? bobsGet;
        SessionHistory? bobsHistory;
        IReadOnlyList<SessionActivity> bobsTimeline;
        string bobsPause;
        string deletedGet;
        try
        {
            await FallbackOutage.TripAsync(host, stored, Alice);
            kept = await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("kept in memory"));
            errored = await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromCodeAsync("print('kept in memory')"));
            await FallbackOutage.AsAsync(Alice, async () =>
            {
                var first = await host.Store.AppendRevisionAsync(kept.Id, RevisionSource.Initial, Ir(1));
                served.Add($"revision {first.RevisionNumber}");
                served.Add($"revision {(await host.Store.AppendRevisionAsync(kept.Id, RevisionSource.UserEdit, Ir(2))).RevisionNumber}");
                served.Add($"draft {(await host.Store.AddDraftAsync(kept.Id, DraftSource.InitialGeneration, "print(1)")).DraftNumber}");
                var hole = await host.Store.ResolveHoleAsync(
                    kept.Id, "?n", HoleType.ReturnValue, ResolutionMethod.UserSelection, JsonSerializer.SerializeToElement(1), new HoleResolutionDetails { IrRevisionId = first.Id });
                served.Add($"hole {hole.HoleId}");
                served.Add($"rollback {(await host.Store.RollbackToRevisionAsync(kept.Id, 1)).RevisionNumber}");
                served.Add($"{(await host.Store.PauseAsync(kept.Id)).Status}");
                served.Add($"{(await host.Store.ResumeAsync(kept.Id)).Status}");
                var snapshot = await host.Store.GetAsync(kept.Id);
                snapshot!.Session.ReplaceMetadata(JsonSerializer.SerializeToElement(new { kept = true }));
                served.Add($"metadata {(await host.Store.UpdateAsync(snapshot.Session)).Metadata?.GetProperty("kept")}");
                served.Add($"{(await host.Store.FinalizeAsync(kept.Id)).Status}");
                served.Add($"{(await host.Store.MarkErrorAsync(errored.Id)).Status}");
                served.Add($"history {(await host.Store.GetHistoryAsync(kept.Id))!.Revisions.Count}");
                served.Add($"timeline {(await host.Store.GetTimelineAsync(kept.Id)).Count > 0}");
                await host.Store.DeleteAsync(errored.Id);
                return true;
            });

            // Another user asks about Alice's session: memory answers as PostgreSQL would (nothing there), never "unavailable".
            bobsGet = await FallbackOutage.AsAsync(Bob, () => host.Store.GetAsync(kept.Id));
            bobsHistory = await FallbackOutage.AsAsync(Bob, () => host.Store.GetHistoryAsync(kept.Id));
            bobsTimeline = await FallbackOutage.AsAsync(Bob, () => host.Store.GetTimelineAsync(kept.Id));
            bobsPause = await FallbackOutage.OutcomeAsync(() => FallbackOutage.AsAsync(Bob, () => host.Store.PauseAsync(kept.Id)));

            // A session deleted in memory before any write-back is gone from memory: asking for it is PostgreSQL's question.
            deletedGet = await FallbackOutage.OutcomeAsync(() => FallbackOutage.AsAsync(Alice, () => host.Store.GetAsync(errored.Id)));
        }
        finally
        {
            await server.StartServerAsync();
        }

        await FallbackOutage.RecoverAsync(host, stored, Alice);
        await host.WaitForWriteBackAsync();
        await using var superuser = await server.OpenSuperuserConnectionAsync();
        var keptStatus = await superuser.ScalarAsync<string>("SELECT status || ':' || revision_count FROM sessions WHERE id = $1", kept.Id);
        var erroredRows = await superuser.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE id = $1", errored.Id);

        Assert.Multiple(() =>
        {
            Assert.That(served, Is.EqualTo(new[]
            {
                "revision 1", "revision 2", "draft 1", "hole ?n", "rollback 3", "Paused", "Active", "metadata True", "Finalized", "Error", "history 3",
                "timeline True",
            }));
            Assert.That((bobsGet, bobsHistory, bobsTimeline.Count), Is.EqualTo(((SessionSnapshot?)null, (SessionHistory?)null, 0)));
            Assert.That(bobsPause, Is.EqualTo(nameof(SessionNotFoundException)));
            Assert.That(deletedGet, Does.StartWith(nameof(SessionStoreUnavailableException)));
            Assert.That(host.Fallback.Recovery.IsDeleted(errored.Id), Is.False, "never written back, so nothing to delete in PostgreSQL");
            Assert.That(keptStatus, Is.EqualTo("finalized:3"));
            Assert.That(erroredRows, Is.Zero);
        });
    }

    [Test]
    public async Task Probe_while_postgresql_is_still_down_keeps_the_breaker_open_without_a_second_trip()
    {
        await using var host = FallbackHost.Start(server.AppConnectionString);
        var stored = (await FallbackOutage.AsAsync(Alice, () => host.Store.CreateFromPromptAsync("stored before the outage"))).Id;
        await server.StopServerAsync();
        SessionStoreUnavailableException? probed;
        bool trippedAfterProbe;
        try
        {
            await FallbackOutage.TripAsync(host, stored, Alice);
            await Task.Delay(FallbackHost.BreakDuration + TimeSpan.FromMilliseconds(200));

            probed = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => FallbackOutage.AsAsync(Alice, () => host.Store.GetAsync(stored)));
            trippedAfterProbe = host.State.FallbackActive;
        }
        finally
        {
            await server.StartServerAsync();
        }

        await FallbackOutage.RecoverAsync(host, stored, Alice);
        Assert.Multiple(() =>
        {
            Assert.That(probed!.Message, Does.Contain("still unreachable"));
            Assert.That(probed.RetryAfter, Is.EqualTo(FallbackHost.BreakDuration));
            Assert.That(trippedAfterProbe, Is.True);
            Assert.That(host.State.Trips, Is.EqualTo(1), "reopening after a failed probe is the same outage");
            Assert.That(host.Logs.Count(3001), Is.EqualTo(1));
            Assert.That(host.Logs.Count(3002), Is.GreaterThanOrEqualTo(2), "one probe failed, a later one closed the breaker");
        });
    }

    private static JsonElement Ir(int n) => JsonSerializer.SerializeToElement(new { step = n });
}
