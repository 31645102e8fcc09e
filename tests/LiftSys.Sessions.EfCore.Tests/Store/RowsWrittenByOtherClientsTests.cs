using System.Text;
using System.Text.Json;
using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// What PostgreSQL accepted from any client, the library reads back: rows written by SQL (as the tables' owner, as
/// Supabase's service role or another application would) with <c>jsonb</c> nested far deeper than the 64 levels the
/// library accepts as input, and timestamps at the edge of what it accepts.
/// </summary>
public sealed class RowsWrittenByOtherClientsTests
{
    private static readonly Guid Owner = Guid.Parse("a0a0a0a0-0000-4000-8000-0000000000d1");

    private TestDatabase database = null!;
    private MutableSessionActorAccessor actors = null!;
    private ISessionStore store = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [SetUp]
    public async Task CreateStore()
    {
        actors = new MutableSessionActorAccessor { Current = SessionActor.ForUser(Owner) };
        store = await ContractStores.CreateEmptyAsync(database, ClaimsScope.Connection, actors, TimeProvider.System);
    }

    [TestCase(65)]
    [TestCase(1000)]
    [TestCase(10_000)]
    public async Task GetAsync_row_with_json_deeper_than_64_levels_written_by_sql_reads_it_whole(int depth)
    {
        // Arrange
        var sessionId = await InsertDeepSessionAsync(depth);

        // Act
        var snapshot = await store.GetAsync(sessionId);

        // Assert
        Assert.That(
            (Depth(snapshot!.Session.CurrentIr!.Value), Depth(snapshot.Session.Metadata!.Value), Depth(snapshot.LatestRevision!.IrContent)),
            Is.EqualTo((depth, depth, depth)));
    }

    [Test]
    public async Task ListActiveAsync_one_deep_row_among_others_lists_them_all()
    {
        // Arrange
        var ordinary = await store.CreateFromPromptAsync("Write a function that adds two numbers");
        var deep = await InsertDeepSessionAsync(1000);

        // Act
        var page = await store.ListActiveAsync(PageRequest.First());
        var found = await store.SearchAsync(SessionSearchTarget.Metadata, Json("""{"a":{"a":{}}}"""), PageRequest.First());

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(page.Items.Select(s => s.Id), Is.EquivalentTo(new[] { ordinary.Id, deep }));
            Assert.That(found.Items.Select(s => s.Id), Is.EqualTo(new[] { deep }));
        });
    }

    [TestCase(1000)]
    [TestCase(10_000)]
    public async Task AppendRevisionAsync_after_a_revision_deeper_than_64_levels_diffs_against_it(int depth)
    {
        // Arrange: the new IR follows the stored one 64 levels down, where the stored one goes on and the new one stops.
        var sessionId = await InsertDeepSessionAsync(depth);
        var next = Json(new StringBuilder().Insert(0, "{\"a\":", 64).Append('1').Append('}', 64).ToString());

        // Act
        var revision = await store.AppendRevisionAsync(sessionId, RevisionSource.Refinement, next);

        // Assert
        Assert.That(
            (revision.RevisionNumber, revision.ChangedFields),
            Is.EqualTo((2, new[] { string.Join('.', Enumerable.Repeat("a", 64)) })));
    }

    [Test]
    public async Task Writes_on_a_session_with_json_deeper_than_64_levels_succeed_and_leave_that_json_as_it_was()
    {
        // Arrange
        const int depth = 1000;
        var sessionId = await InsertDeepSessionAsync(depth);
        var read = (await store.GetAsync(sessionId))!.Session;

        // Act: an update that writes the unchanged deep columns back, then every kind of write that tracks the row.
        read.SetCurrentCode("x = 1");
        await store.UpdateAsync(read);
        var revision = await store.AppendRevisionAsync(sessionId, RevisionSource.Refinement, Json("""{"signature":{}}"""));
        await store.AddDraftAsync(sessionId, DraftSource.UserEdit, "x = 2", new SessionDraftDetails { IrRevisionId = revision.Id });
        await store.ResolveHoleAsync(sessionId, "h", HoleType.Type, ResolutionMethod.Default, Json("1"));
        await store.RollbackToRevisionAsync(sessionId, 2);
        await store.PauseAsync(sessionId);
        await store.ResumeAsync(sessionId);
        await store.FinalizeAsync(sessionId);

        // Assert
        await using var owner = await database.OpenOwnerConnectionAsync();
        var unchanged = await owner.ScalarAsync<bool>(
            """
            SELECT s.metadata = (repeat('{"a":', $2) || '1' || repeat('}', $2))::jsonb AND r.ir_content = s.metadata
            FROM sessions s JOIN session_revisions r ON r.session_id = s.id AND r.revision_number = 1
            WHERE s.id = $1
            """,
            sessionId,
            depth);
        var history = await store.GetHistoryAsync(sessionId);
        Assert.Multiple(() =>
        {
            Assert.That(unchanged, Is.True, "metadata and revision 1 keep the deep document");
            Assert.That((history!.Session.Status, history.Revisions.Count, history.Drafts.Count, history.HoleResolutions.Count), Is.EqualTo((SessionStatus.Finalized, 3, 1, 1)));
        });
    }

    [Test]
    public async Task RollbackToRevisionAsync_to_a_revision_deeper_than_64_levels_throws_validation_and_writes_nothing()
    {
        // Arrange: a rollback appends the old IR as new input, which the library holds to its own limit.
        var sessionId = await InsertDeepSessionAsync(1000);
        await store.AppendRevisionAsync(sessionId, RevisionSource.Refinement, Json("""{"signature":{}}"""));
        var before = await ContractStores.CountRowsAsync(database);

        // Act
        var ex = await Assert.ThrowsAsync<SessionValidationException>(() => store.RollbackToRevisionAsync(sessionId, 1));

        // Assert
        Assert.That((ex!.Field, ex.Rule, await ContractStores.CountRowsAsync(database)), Is.EqualTo(("ir_content", ValidationRule.MaxDepth, before)));
    }

    [Test]
    public async Task Registered_store_reads_a_row_with_json_deeper_than_64_levels()
    {
        // Arrange
        var sessionId = await InsertDeepSessionAsync(1000);
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddLiftSysSessions(o => o.ConnectionString = database.Server.AppConnectionString(database.Name));
        await using var services = collection.BuildServiceProvider();
        var registered = services.GetRequiredService<ISessionStore>();

        // Act
        SessionSnapshot? snapshot;
        using (SessionActorScope.Begin(SessionActor.ForUser(Owner), "test"))
        {
            snapshot = await registered.GetAsync(sessionId);
        }

        // Assert
        Assert.That(Depth(snapshot!.Session.Metadata!.Value), Is.EqualTo(1000));
    }

    [Test]
    public async Task Test_context_factory_reads_a_row_with_json_deeper_than_64_levels()
    {
        // Arrange
        var sessionId = await InsertDeepSessionAsync(1000);
        await using var context = SessionsDbContextFactory.Create(database.OwnerConnectionString);

        // Act
        var session = await context.Sessions.AsNoTracking().SingleAsync(s => s.Id == sessionId);

        // Assert
        Assert.That(Depth(session.CurrentIr!.Value), Is.EqualTo(1000));
    }

    [Test]
    public async Task Views_session_finalized_at_the_latest_accepted_time_still_read()
    {
        // Arrange
        var session = await store.CreateFromPromptAsync("Write a function that adds two numbers");
        session.MarkFinalized(new DateTimeOffset(9998, 12, 31, 23, 59, 59, TimeSpan.Zero));
        await store.UpdateAsync(session);

        // Act
        await using var context = SessionsDbContextFactory.Create(database.OwnerConnectionString);
        var summary = await context.SessionSummaries.SingleAsync(s => s.Id == session.Id);
        var analytics = await context.UserAnalytics.SingleAsync(a => a.UserId == Owner);

        // Assert
        Assert.That((summary.TimeToFinalizationSeconds > 0, analytics.FinalizedSessions), Is.EqualTo((true, 1L)));
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 100_000 });
        return document.RootElement.Clone();
    }

    // Follows "a" down; iterative, so it measures any depth.
    private static int Depth(JsonElement element)
    {
        var depth = 0;
        while (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("a", out var inner))
        {
            depth++;
            element = inner;
        }

        return depth;
    }

    // As the tables' owner, around the library: current_ir, metadata and revision 1's IR nest "a" depth levels deep.
    private async Task<Guid> InsertDeepSessionAsync(int depth)
    {
        await using var owner = await database.OpenOwnerConnectionAsync();
        var sessionId = await owner.ScalarAsync<Guid>(
            """
            WITH deep AS (SELECT (repeat('{"a":', $2) || '1' || repeat('}', $2))::jsonb AS doc)
            INSERT INTO sessions (user_id, original_input, current_ir, metadata)
            SELECT $1, 'written by another client', doc, doc FROM deep
            RETURNING id
            """,
            Owner,
            depth);
        await owner.ExecuteAsync(
            """
            INSERT INTO session_revisions (session_id, revision_number, source, ir_content)
            SELECT $1, 1, 'initial', current_ir FROM sessions WHERE id = $1
            """,
            sessionId);
        return sessionId;
    }
}
