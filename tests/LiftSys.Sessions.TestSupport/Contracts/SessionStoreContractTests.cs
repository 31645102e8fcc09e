using System.Text.Json;
using Bogus;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport.Fakers;

namespace LiftSys.Sessions.TestSupport.Contracts;

/// <summary>
/// The contract every <see cref="ISessionStore"/> must pass: one suite, one fixture per store. A fixture derives from
/// this class and says how to build a store (<see cref="CreateStoreAsync"/>) and how to count what it holds behind the
/// API (<see cref="CountStoredRowsAsync"/>); each test gets a new, empty store.
/// </summary>
/// <remarks>
/// Tests act as <see cref="UserA"/>, <see cref="UserB"/>, the service role or nobody by setting <see cref="Actors"/>.
/// They never compare JSON as text between input and output (a PostgreSQL store normalizes <c>jsonb</c>), only with
/// <see cref="JsonElement.DeepEquals"/>; and they never compare <c>created_at</c> or <c>updated_at</c> with
/// <see cref="Time"/>, which a PostgreSQL store takes from the database's clock. <see cref="Time"/> starts a day ahead
/// of the real clock and is advanced between steps whose order a test relies on.
/// </remarks>
public abstract partial class SessionStoreContractTests
{
    /// <summary>The documented limit of a text or JSON document: 1 MiB (in UTF-16 characters).</summary>
    protected const int MaxDocumentLength = 1024 * 1024;

    private const int Seed = 5150;

    private static readonly JsonElement SampleIr = FakeJson.Parse("""{"signature":{"name":"sample","parameters":[]},"effects":[]}""");
    private static readonly JsonElement SampleValue = FakeJson.Parse("\"int\"");

    private Faker faker = null!;

    /// <summary>Gets a user who owns sessions in the tests.</summary>
    protected static Guid UserA { get; } = Guid.Parse("a0a0a0a0-0000-4000-8000-00000000000a");

    /// <summary>Gets a second user, who must never see or change <see cref="UserA"/>'s sessions.</summary>
    protected static Guid UserB { get; } = Guid.Parse("b0b0b0b0-0000-4000-8000-00000000000b");

    /// <summary>Gets the accessor the store reads the actor from; set its <see cref="MutableSessionActorAccessor.Current"/> to switch.</summary>
    protected MutableSessionActorAccessor Actors { get; private set; } = null!;

    /// <summary>Gets the store's clock.</summary>
    protected ManualTimeProvider Time { get; private set; } = null!;

    /// <summary>Gets the store under test.</summary>
    protected ISessionStore Store { get; private set; } = null!;

    /// <summary>Every write operation on an existing session that has one revision.</summary>
    /// <returns>The operations, named.</returns>
    public static IEnumerable<StoreOperation> Writes() =>
    [
        new("Update", (store, session) => store.UpdateAsync(session)),
        new("AppendRevision", (store, session) => store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, SampleIr)),
        new("AddDraft", (store, session) => store.AddDraftAsync(session.Id, DraftSource.LlmRegeneration, "def f():\n    return 1\n")),
        new("ResolveHole", (store, session) => store.ResolveHoleAsync(session.Id, "hole_other", HoleType.Type, ResolutionMethod.AiSuggestion, SampleValue)),
        new("RollbackToRevision", (store, session) => store.RollbackToRevisionAsync(session.Id, 1)),
        new("Pause", (store, session) => store.PauseAsync(session.Id)),
        new("Resume", (store, session) => store.ResumeAsync(session.Id)),
        new("Finalize", (store, session) => store.FinalizeAsync(session.Id)),
        new("MarkError", (store, session) => store.MarkErrorAsync(session.Id)),
        new("Delete", (store, session) => store.DeleteAsync(session.Id)),
    ];

    /// <summary>The write operations that succeed on an active session with one revision (all but resume).</summary>
    /// <returns>The operations, named.</returns>
    public static IEnumerable<StoreOperation> WritesValidOnAnActiveSession() => Writes().Where(write => write.Name != "Resume");

    /// <summary>Builds a new, empty store for one test.</summary>
    /// <param name="actors">The accessor the store must read the acting user from.</param>
    /// <param name="timeProvider">The clock the store must take <c>finalized_at</c> from.</param>
    /// <returns>The store.</returns>
    protected abstract Task<ISessionStore> CreateStoreAsync(ISessionActorAccessor actors, TimeProvider timeProvider);

    /// <summary>Counts the rows the store holds in each table, whoever owns them, bypassing the store's API.</summary>
    /// <returns>The counts.</returns>
    protected abstract Task<StoredRowCounts> CountStoredRowsAsync();

    /// <summary>Releases a store after its test; by default disposes it if it is disposable.</summary>
    /// <param name="store">The store <see cref="CreateStoreAsync"/> built.</param>
    /// <returns>A task that completes when the store is released.</returns>
    protected virtual async Task DisposeStoreAsync(ISessionStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [SetUp]
    public async Task CreateStoreForTestAsync()
    {
        Actors = new MutableSessionActorAccessor();
        Time = ManualTimeProvider.StartingTomorrow();
        faker = new Faker { Random = new Randomizer(Seed) };
        Store = await CreateStoreAsync(Actors, Time);
    }

    [TearDown]
    public Task DisposeStoreForTestAsync() => DisposeStoreAsync(Store);

    /// <summary>Acts as a signed-in user from now on.</summary>
    /// <param name="userId">The user.</param>
    protected void ActAs(Guid userId) => Actors.Current = SessionActor.ForUser(userId);

    /// <summary>Acts as the service role from now on.</summary>
    protected void ActAsServiceRole() => Actors.Current = SessionActor.ServiceRole;

    /// <summary>Acts as nobody from now on.</summary>
    protected void ActAsAnonymous() => Actors.Current = SessionActor.Anonymous;

    /// <summary>Generates a prompt.</summary>
    /// <returns>A valid prompt.</returns>
    protected string Prompt() => SessionTextFaker.Prompt(faker);

    /// <summary>Generates code.</summary>
    /// <returns>Valid code.</returns>
    protected string Code() => SessionTextFaker.Code(faker);

    /// <summary>Generates an IR document.</summary>
    /// <returns>A JSON object.</returns>
    protected JsonElement Ir() => IrDocumentFaker.Generate(faker);

    /// <summary>Generates draft details.</summary>
    /// <returns>Valid details without an IR revision.</returns>
    protected SessionDraftDetails DraftDetails() => SessionDraftDetailsFaker.Build(faker);

    /// <summary>Generates hole resolution details.</summary>
    /// <returns>Valid details without an IR revision.</returns>
    protected HoleResolutionDetails HoleDetails() => HoleResolutionDetailsFaker.Build(faker);

    /// <summary>Creates a session owned by <paramref name="owner"/>, acting as that owner (and staying so).</summary>
    /// <param name="owner">The owner.</param>
    /// <returns>The stored session.</returns>
    protected async Task<Session> GivenSessionAsync(Guid owner)
    {
        ActAs(owner);
        return await Store.CreateFromPromptAsync(Prompt());
    }

    /// <summary>
    /// Creates a session owned by <paramref name="owner"/> with revision 1, draft 1 and one hole resolution (both of
    /// revision 1), acting as that owner (and staying so).
    /// </summary>
    /// <param name="owner">The owner.</param>
    /// <returns>The session as stored after the last step, so its token is current.</returns>
    protected async Task<Session> GivenSessionWithHistoryAsync(Guid owner)
    {
        var session = await GivenSessionAsync(owner);
        var revision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir());
        await Store.AddDraftAsync(session.Id, DraftSource.InitialGeneration, Code(), DraftDetails() with { IrRevisionId = revision.Id });
        await Store.ResolveHoleAsync(
            session.Id, "hole_given", HoleType.Parameter, ResolutionMethod.UserSelection, SampleValue, HoleDetails() with { IrRevisionId = revision.Id });
        return (await Store.GetAsync(session.Id))!.Session;
    }

    /// <summary>Reads the whole store's row counts and one session's columns, as the service role, whoever is acting.</summary>
    /// <param name="sessionId">The session.</param>
    /// <returns>The state, equal to an earlier one exactly when nothing was written in between.</returns>
    protected async Task<StoredSessionState> StateAsync(Guid sessionId) =>
        await StoredSessionState.ReadAsync(Store, await CountStoredRowsAsync(), sessionId);

    /// <summary>Reads a session's history as the service role, whoever is acting.</summary>
    /// <param name="sessionId">The session.</param>
    /// <returns>The history; the test fails when the session is gone.</returns>
    protected async Task<SessionHistory> HistoryAsync(Guid sessionId)
    {
        using (SessionActorScope.BeginServiceRole("contract test: read the history behind the acting user's back"))
        {
            var history = await Store.GetHistoryAsync(sessionId);
            Assert.That(history, Is.Not.Null, $"session {sessionId} should exist");
            return history!;
        }
    }

    /// <summary>Parses JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>A detached element.</returns>
    protected static JsonElement Json(string json) => FakeJson.Parse(json);

    /// <summary>A constraint that a JSON value is structurally equal to <paramref name="expected"/>.</summary>
    /// <param name="expected">The expected value.</param>
    /// <returns>The constraint.</returns>
    protected static NUnit.Framework.Constraints.Constraint IsJson(JsonElement expected) =>
        Is.EqualTo(expected).Using<JsonElement>((x, y) => JsonElement.DeepEquals(x, y));
}
