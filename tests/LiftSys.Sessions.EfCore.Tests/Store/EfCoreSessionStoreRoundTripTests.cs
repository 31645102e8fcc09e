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
/// The round trips each store operation costs: the commands Npgsql sends (each one round trip, whatever its batch holds:
/// the claims and the row lock ride in front of the first statement) plus the COMMITs, which Npgsql does not trace and
/// are counted from EF Core's transaction events. The numbers are the ones <see cref="EfCoreSessionStore"/>'s
/// documentation promises and the raw Npgsql baseline of the benchmarks needs.
/// </summary>
[TestFixture(ClaimsScope.Connection)]
[TestFixture(ClaimsScope.Transaction)]
public sealed class EfCoreSessionStoreRoundTripTests(ClaimsScope scope)
{
    private static readonly JsonElement Ir = JsonSerializer.SerializeToElement(new { signature = new { name = "add" } });

    private TestDatabase database = null!;
    private EfCoreSessionStore store = null!;
    private MutableSessionActorAccessor actors = null!;
    private CommitCounter commits = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        database = await TestDatabase.CreateAsync();
        actors = new MutableSessionActorAccessor { Current = SessionActor.ForUser(Guid.NewGuid()) };
        commits = new CommitCounter();
        var options = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(actors, o => o.ClaimsScope = scope)
            .AddInterceptors(commits)
            .Options;
        store = new EfCoreSessionStore(new PooledDbContextFactory<SessionsDbContext>(options), actors, TimeProvider.System);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    private static IEnumerable<TestCaseData> Operations()
    {
        yield return Case("CreateFromPrompt", 1, (s, _) => s.CreateFromPromptAsync("p"));
        yield return Case("CreateFromCode", 1, (s, _) => s.CreateFromCodeAsync("x = 1"));
        yield return Case("Get", 1, (s, id) => s.GetAsync(id));
        yield return Case("ListActive", 1, (s, _) => s.ListActiveAsync(PageRequest.First()));
        yield return Case("ListByStatus", 1, (s, _) => s.ListByStatusAsync(SessionStatus.Paused, PageRequest.First()));
        yield return Case("Search", 1, (s, _) => s.SearchAsync(SessionSearchTarget.Metadata, JsonSerializer.SerializeToElement(new { }), PageRequest.First()));
        yield return Case("GetHistory", 4, (s, id) => s.GetHistoryAsync(id));
        yield return Case("GetTimeline", 4, (s, id) => s.GetTimelineAsync(id));
        yield return Case("Update", 1, async (s, id) => await s.UpdateAsync((await s.GetAsync(id))!.Session), readsFirst: 1);
        yield return Case("AppendRevision", 3, (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Ir));
        yield return Case("AddDraft", 3, (s, id) => s.AddDraftAsync(id, DraftSource.LlmRegeneration, "x = 1"));
        yield return Case("ResolveHole", 3, (s, id) => s.ResolveHoleAsync(id, $"h-{Guid.NewGuid():N}", HoleType.Type, ResolutionMethod.Default, Ir));
        yield return Case("RollbackToRevision", 3, (s, id) => s.RollbackToRevisionAsync(id, 1));
        yield return Case("Pause", 1, (s, id) => s.PauseAsync(id));
        yield return Case("Resume", 1, async (s, id) => await s.ResumeAsync((await s.PauseAsync(id)).Id), readsFirst: 1);
        yield return Case("MarkError", 1, (s, id) => s.MarkErrorAsync(id));
        yield return Case("Finalize", 1, (s, id) => s.FinalizeAsync(id));
        yield return Case("Delete", 1, (s, id) => s.DeleteAsync(id));
    }

    [TestCaseSource(nameof(Operations))]
    public async Task Operation_costs_the_documented_round_trips(Func<ISessionStore, Guid, Task> operation, int expected, int readsFirst)
    {
        var session = await store.CreateFromPromptAsync("a session with history");
        await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir);
        using var counter = new RoundTripCounter(database.Name);
        commits.Reset();

        await operation(store, session.Id);

        Assert.That(counter.Count + commits.Count - readsFirst, Is.EqualTo(expected), string.Join(Environment.NewLine, counter.Commands));
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

    [Test]
    public async Task Claims_ride_with_the_first_statement_of_every_operation()
    {
        var session = await store.CreateFromPromptAsync("claims in the batch");
        using var counter = new RoundTripCounter(database.Name);

        await store.GetAsync(session.Id);
        await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir);
        await store.PauseAsync(session.Id);

        // No command is the claims call alone: each one leads a batch whose own statements follow it. The numbering
        // write's lock rides in the same batch as its read.
        Assert.Multiple(() =>
        {
            Assert.That(counter.Commands, Has.All.StartsWith("CALL liftsys_sessions_apply_claims(").Or.Not.Contains("liftsys_sessions_apply_claims"));
            Assert.That(counter.Commands, Has.None.Matches(@"^CALL liftsys_sessions_apply_claims\([^;]*\);?\s*$"));
            Assert.That(counter.Commands, Has.Some.Contains("CALL liftsys_sessions_lock_session(").And.Contains("SELECT s.status"));
        });
    }

    private static TestCaseData Case(string name, int roundTrips, Func<ISessionStore, Guid, Task> operation, int readsFirst = 0) =>
        new TestCaseData(operation, roundTrips, readsFirst).SetArgDisplayNames(name, roundTrips.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
