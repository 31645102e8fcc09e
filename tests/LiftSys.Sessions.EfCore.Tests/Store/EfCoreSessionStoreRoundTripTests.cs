using System.Text.Json;
using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// The round trips each store operation costs, counted as commands Npgsql sends (COMMIT aside), including the one that
/// sets the role and claims. The numbers are the ones <see cref="EfCoreSessionStore"/>'s documentation promises.
/// </summary>
[TestFixture(ClaimsScope.Connection)]
[TestFixture(ClaimsScope.Transaction)]
public sealed class EfCoreSessionStoreRoundTripTests(ClaimsScope scope)
{
    private static readonly JsonElement Ir = JsonSerializer.SerializeToElement(new { signature = new { name = "add" } });

    private TestDatabase database = null!;
    private EfCoreSessionStore store = null!;
    private MutableSessionActorAccessor actors = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        database = await TestDatabase.CreateAsync();
        actors = new MutableSessionActorAccessor { Current = SessionActor.ForUser(Guid.NewGuid()) };
        var options = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(actors, o => o.ClaimsScope = scope)
            .Options;
        store = new EfCoreSessionStore(new PooledDbContextFactory<SessionsDbContext>(options), actors, TimeProvider.System);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    private static IEnumerable<TestCaseData> Operations()
    {
        yield return Case("CreateFromPrompt", 2, (s, _) => s.CreateFromPromptAsync("p"));
        yield return Case("Get", 2, (s, id) => s.GetAsync(id));
        yield return Case("ListActive", 2, (s, _) => s.ListActiveAsync(PageRequest.First()));
        yield return Case("Search", 2, (s, _) => s.SearchAsync(SessionSearchTarget.Metadata, JsonSerializer.SerializeToElement(new { }), PageRequest.First()));
        yield return Case("GetHistory", 5, (s, id) => s.GetHistoryAsync(id));
        yield return Case("GetTimeline", 5, (s, id) => s.GetTimelineAsync(id));
        yield return Case("Update", 2, async (s, id) => await s.UpdateAsync((await s.GetAsync(id))!.Session), readsFirst: 2);
        yield return Case("AppendRevision", 4, (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Ir));
        yield return Case("AddDraft", 4, (s, id) => s.AddDraftAsync(id, DraftSource.LlmRegeneration, "x = 1"));
        yield return Case("ResolveHole", 4, (s, id) => s.ResolveHoleAsync(id, $"h-{Guid.NewGuid():N}", HoleType.Type, ResolutionMethod.Default, Ir));
        yield return Case("RollbackToRevision", 4, (s, id) => s.RollbackToRevisionAsync(id, 1));
        yield return Case("Pause", 3, (s, id) => s.PauseAsync(id));
        yield return Case("MarkError", 3, (s, id) => s.MarkErrorAsync(id));
        yield return Case("Finalize", 3, (s, id) => s.FinalizeAsync(id));
        yield return Case("Delete", 2, (s, id) => s.DeleteAsync(id));
    }

    [TestCaseSource(nameof(Operations))]
    public async Task Operation_costs_the_documented_round_trips(Func<ISessionStore, Guid, Task> operation, int expected, int readsFirst)
    {
        var session = await store.CreateFromPromptAsync("a session with history");
        await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir);
        using var counter = new RoundTripCounter(database.Name);

        await operation(store, session.Id);

        Assert.That(counter.Count - readsFirst, Is.EqualTo(expected), string.Join(Environment.NewLine, counter.Commands));
    }

    [Test]
    public async Task Get_and_append_read_the_latest_children_of_their_session_only()
    {
        var session = await store.CreateFromPromptAsync("latest children");
        await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir);
        using var counter = new RoundTripCounter(database.Name);

        await store.GetAsync(session.Id);
        await store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, Ir);

        // Correlated on s.Id, "the latest child of s" makes EF number every revision and draft of every session
        // (ROW_NUMBER() OVER (PARTITION BY session_id)) and join the first: time that grows with the whole table.
        // Correlated on the session id parameter, it reads that session's children only.
        Assert.That(counter.Commands, Has.None.Contains("ROW_NUMBER()"), string.Join(Environment.NewLine, counter.Commands));
    }

    private static TestCaseData Case(string name, int roundTrips, Func<ISessionStore, Guid, Task> operation, int readsFirst = 0) =>
        new TestCaseData(operation, roundTrips, readsFirst).SetArgDisplayNames(name, roundTrips.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
