using System.Text;
using System.Text.Json;
using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.TestSupport.Contracts;

/// <summary>
/// Input that PostgreSQL (or Npgsql, or System.Text.Json) would refuse only late, if at all: unpaired surrogates, JSON
/// nested too deep, numbers outside PostgreSQL's <c>numeric</c>, timestamps Npgsql stores as <c>infinity</c>, hole ids
/// too long for their index. Every store must refuse each up front with <see cref="SessionValidationException"/> naming
/// the column and the rule, and write nothing; and must store what lies just inside each limit. A fixture derives from
/// this class and says how to build a store and count what it holds, as for <see cref="SessionStoreContractTests"/>.
/// </summary>
public abstract class BadInputContractTests
{
    private const int MaxJsonDepth = 64;

    private static readonly JsonElement Ir = Json("""{"signature":{"name":"f","parameters":[]}}""");
    private static readonly DateTimeOffset FirstRefusedTimestamp = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private MutableSessionActorAccessor actors = null!;
    private ManualTimeProvider time = null!;
    private ISessionStore store = null!;

    /// <summary>Gets the user who owns the session each test starts with, and acts.</summary>
    protected static Guid Owner { get; } = Guid.Parse("a0a0a0a0-0000-4000-8000-0000000000a5");

    /// <summary>Every bad input, with the column and rule the store must name when it refuses it.</summary>
    /// <returns>The calls, named; each gets an existing session with one revision, draft and hole resolution.</returns>
    public static IEnumerable<InvalidInput> BadInputs()
    {
        // Unpaired UTF-16 surrogates in every text column: UTF-8 cannot encode them.
        yield return new("prompt with a lone high surrogate", (s, _) => s.CreateFromPromptAsync("add\uD800numbers"), "original_input", ValidationRule.ValidUnicode);
        yield return new("prompt ending in a high surrogate", (s, _) => s.CreateFromPromptAsync("add numbers \uD83D"), "original_input", ValidationRule.ValidUnicode);
        yield return new("code with a lone low surrogate", (s, _) => s.CreateFromCodeAsync("x = '\uDE00'"), "original_input", ValidationRule.ValidUnicode);
        yield return new("draft code with a reversed pair", (s, id) => s.AddDraftAsync(id, DraftSource.UserEdit, "x = '\uDE00\uD83D'"), "code_content", ValidationRule.ValidUnicode);
        yield return Draft("language with a lone surrogate", new SessionDraftDetails { Language = "py\uD800" }, "language", ValidationRule.ValidUnicode);
        yield return new("hole id with a lone surrogate", (s, id) => s.ResolveHoleAsync(id, "hole_\uDC00", HoleType.Type, ResolutionMethod.Default, Json("1")), "hole_id", ValidationRule.ValidUnicode);
        yield return Revision("change summary with a lone surrogate", new SessionRevisionDetails { ChangeSummary = "renamed \uD800" }, "change_summary", ValidationRule.ValidUnicode);
        yield return Hole("feedback with a lone surrogate", new HoleResolutionDetails { UserFeedback = "\uDBFF" }, "user_feedback", ValidationRule.ValidUnicode);
        yield return Update("current code with a lone surrogate", session => session.SetCurrentCode("x = '\uD800'"), "current_code", ValidationRule.ValidUnicode);

        // ... and escaped inside JSON, in string values and property names.
        yield return new("IR string with a lone high surrogate", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"name":"a\ud800b"}""")), "ir_content", ValidationRule.ValidUnicode);
        yield return new("IR string with a lone low surrogate", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"name":"\udc00"}""")), "ir_content", ValidationRule.ValidUnicode);
        yield return new("IR property name with a lone surrogate", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"a":{"\ud800":1}}""")), "ir_content", ValidationRule.ValidUnicode);
        yield return new("session metadata with a lone surrogate", (s, _) => s.CreateFromPromptAsync("p", new CreateSessionOptions { Metadata = Json("""{"tag":"\ud83d"}""") }), "metadata", ValidationRule.ValidUnicode);
        yield return Revision("validation result with a lone surrogate", new SessionRevisionDetails { ValidationResult = Json("""["\udfff"]""") }, "validation_result", ValidationRule.ValidUnicode);
        yield return new("resolved value with a lone surrogate", (s, id) => s.ResolveHoleAsync(id, "h", HoleType.Type, ResolutionMethod.Default, Json("\"\\ud800\"")), "resolved_value", ValidationRule.ValidUnicode);
        yield return Update("current IR with a lone surrogate", session => session.SetCurrentIr(Json("""{"x":"\ud800"}""")), "current_ir", ValidationRule.ValidUnicode);
        yield return new("IR search with a lone surrogate", (s, _) => s.SearchAsync(SessionSearchTarget.CurrentIr, Json("""{"\udc00":1}"""), PageRequest.First()), "current_ir", ValidationRule.ValidUnicode);

        // NUL escaped in a JSON property name (values are covered by the contract's own table).
        yield return new("IR property name with NUL", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"a\u0000":1}""")), "ir_content", ValidationRule.NoNulCharacter);

        // JSON nested deeper than 64 levels.
        yield return new("IR objects 65 deep", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, NestedObjects(MaxJsonDepth + 1)), "ir_content", ValidationRule.MaxDepth);
        yield return new("IR 1000 deep", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, NestedObjects(1000)), "ir_content", ValidationRule.MaxDepth);
        yield return new("session metadata arrays 65 deep", (s, _) => s.CreateFromCodeAsync("c", new CreateSessionOptions { Metadata = Json("{\"a\":" + NestedArrays(MaxJsonDepth) + "}") }), "metadata", ValidationRule.MaxDepth);
        yield return Draft("draft metadata 65 deep", new SessionDraftDetails { Metadata = NestedObjects(MaxJsonDepth + 1) }, "metadata", ValidationRule.MaxDepth);
        yield return new("resolved value arrays 65 deep", (s, id) => s.ResolveHoleAsync(id, "h", HoleType.Type, ResolutionMethod.Default, Json(NestedArrays(MaxJsonDepth + 1))), "resolved_value", ValidationRule.MaxDepth);
        yield return Update("metadata 65 deep", session => session.ReplaceMetadata(NestedObjects(MaxJsonDepth + 1)), "metadata", ValidationRule.MaxDepth);
        yield return new("metadata search 65 deep", (s, _) => s.SearchAsync(SessionSearchTarget.Metadata, NestedObjects(MaxJsonDepth + 1), PageRequest.First()), "metadata", ValidationRule.MaxDepth);

        // Numbers outside PostgreSQL's numeric: 131072 digits before the point, 16383 after it.
        yield return new("IR number 1e1000000", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"n":1e1000000}""")), "ir_content", ValidationRule.Range);
        yield return new("IR number 1e131072", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"n":[1e131072]}""")), "ir_content", ValidationRule.Range);
        yield return new("IR number -0.00001e131077", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"n":-0.00001e131077}""")), "ir_content", ValidationRule.Range);
        yield return new("IR number 1e-16384", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"n":1e-16384}""")), "ir_content", ValidationRule.Range);
        yield return new("IR number 0.0e-16383", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"n":0.0e-16383}""")), "ir_content", ValidationRule.Range);
        yield return new("IR number with 16384 decimals", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("{\"n\":0." + new string('1', 16384) + "}")), "ir_content", ValidationRule.Range);
        yield return new("IR number exponent 2^30", (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"n":0e1073741824}""")), "ir_content", ValidationRule.Range);
        yield return new("resolved value 1e131072", (s, id) => s.ResolveHoleAsync(id, "h", HoleType.Type, ResolutionMethod.Default, Json("1e131072")), "resolved_value", ValidationRule.Range);
        yield return Hole("suggestions with 1e1000000", new HoleResolutionDetails { SuggestionsProvided = Json("[1e1000000]") }, "suggestions_provided", ValidationRule.Range);
        yield return Update("current IR with 1e1000000", session => session.SetCurrentIr(Json("""{"n":1e1000000}""")), "current_ir", ValidationRule.Range);
        yield return Update("metadata with 1e1000000", session => session.ReplaceMetadata(Json("""{"n":1e1000000}""")), "metadata", ValidationRule.Range);
        yield return new("IR search with 1e1000000", (s, _) => s.SearchAsync(SessionSearchTarget.CurrentIr, Json("""{"n":1e1000000}"""), PageRequest.First()), "current_ir", ValidationRule.Range);
        yield return new("metadata search with 1e-16384", (s, _) => s.SearchAsync(SessionSearchTarget.Metadata, Json("""{"n":1e-16384}"""), PageRequest.First()), "metadata", ValidationRule.Range);

        // Timestamps outside 1970-01-01 .. 9999-01-01 (MaxValue and MinValue are stored as infinity and -infinity).
        yield return Update("finalized at DateTimeOffset.MaxValue", session => session.MarkFinalized(DateTimeOffset.MaxValue), "finalized_at", ValidationRule.Range);
        yield return Update("finalized at DateTimeOffset.MinValue", session => session.MarkFinalized(DateTimeOffset.MinValue), "finalized_at", ValidationRule.Range);
        yield return Update("finalized at 9999-01-01", session => session.MarkFinalized(FirstRefusedTimestamp), "finalized_at", ValidationRule.Range);
        yield return Update("finalized before 1970", session => session.MarkFinalized(new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero)), "finalized_at", ValidationRule.Range);

        // Identifiers: too long for the unique index, white space, missing; enums out of range either way.
        yield return new("hole id of 513 characters", (s, id) => s.ResolveHoleAsync(id, Cjk(HoleResolution.MaxHoleIdLength + 1), HoleType.Type, ResolutionMethod.Default, Json("1")), "hole_id", ValidationRule.MaxLength);
        yield return new("hole id white space", (s, id) => s.ResolveHoleAsync(id, " \t ", HoleType.Type, ResolutionMethod.Default, Json("1")), "hole_id", ValidationRule.NotEmpty);
        yield return new("hole id null", (s, id) => s.ResolveHoleAsync(id, null!, HoleType.Type, ResolutionMethod.Default, Json("1")), "hole_id", ValidationRule.Required);
        yield return Draft("language empty", new SessionDraftDetails { Language = "" }, "language", ValidationRule.NotEmpty);
        yield return new("hole type negative", (s, id) => s.ResolveHoleAsync(id, "h", (HoleType)(-1), ResolutionMethod.Default, Json("1")), "hole_type", ValidationRule.DefinedValue);
        yield return new("draft source negative", (s, id) => s.AddDraftAsync(id, (DraftSource)(-1), "x = 1"), "source", ValidationRule.DefinedValue);
        yield return Draft("cost decimal.MaxValue", new SessionDraftDetails { LlmCostUsd = decimal.MaxValue }, "llm_cost_usd", ValidationRule.Precision);
        yield return Hole("original data undefined", new HoleResolutionDetails { OriginalHoleData = default(JsonElement) }, "original_hole_data", ValidationRule.JsonShape);
    }

    /// <summary>Input just inside each limit, which every store must take and give back.</summary>
    /// <returns>The calls, named.</returns>
    public static IEnumerable<StoreOperation> InputsAtTheLimits()
    {
        yield return new("IR objects 64 deep", (s, session) => s.AppendRevisionAsync(session.Id, RevisionSource.Refinement, NestedObjects(MaxJsonDepth)));
        yield return new("resolved value arrays 64 deep", (s, session) => s.ResolveHoleAsync(session.Id, "h", HoleType.Type, ResolutionMethod.Default, Json(NestedArrays(MaxJsonDepth))));
        yield return new("IR search 64 deep", (s, _) => s.SearchAsync(SessionSearchTarget.CurrentIr, NestedObjects(MaxJsonDepth), PageRequest.First()));
        yield return new("IR numbers at numeric's limits", (s, session) => s.AppendRevisionAsync(
            session.Id, RevisionSource.Refinement, Json("""{"big":9.9e131071,"small":-1e131071,"tiny":1e-16383,"zero":0e-16383,"mixed":1.5e-16382,"int":99999e131067}""")));
        yield return new("IR number with 16383 decimals", (s, session) => s.AppendRevisionAsync(
            session.Id, RevisionSource.Refinement, Json("{\"n\":0." + new string('7', 16383) + "}")));
        yield return new("metadata search with 1e131071", (s, _) => s.SearchAsync(SessionSearchTarget.Metadata, Json("""{"n":1e131071}"""), PageRequest.First()));
        yield return new("IR text that only looks like an escaped NUL", (s, session) => s.AppendRevisionAsync(session.Id, RevisionSource.Refinement, Json("""{"path":"C:\\u0000","\\u0000":1}""")));
        yield return new("IR and texts with surrogate pairs", async (s, session) =>
        {
            await s.AppendRevisionAsync(session.Id, RevisionSource.Refinement, Json("""{"\ud83d\ude00":"\ud83d\udc4d ok"}"""), new SessionRevisionDetails { ChangeSummary = "\U0001F600" });
            await s.AddDraftAsync(session.Id, DraftSource.UserEdit, "x = '\U0001F44D'", new SessionDraftDetails { Language = "py\U0001F40D" });
        });
        yield return new("hole id of 512 characters", (s, session) => s.ResolveHoleAsync(session.Id, Cjk(HoleResolution.MaxHoleIdLength), HoleType.Type, ResolutionMethod.Default, Json("1")));
        yield return new("finalized just before 9999-01-01", async (s, session) =>
        {
            session.MarkFinalized(FirstRefusedTimestamp.AddSeconds(-1));
            await s.UpdateAsync(session);
        });
    }

    /// <summary>Builds a new, empty store for one test.</summary>
    /// <param name="actors">The accessor the store must read the acting user from.</param>
    /// <param name="timeProvider">The clock the store must take <c>finalized_at</c> from.</param>
    /// <returns>The store.</returns>
    protected abstract Task<ISessionStore> CreateStoreAsync(ISessionActorAccessor actors, TimeProvider timeProvider);

    /// <summary>Counts the rows the store holds in each table, whoever owns them, bypassing the store's API.</summary>
    /// <returns>The counts.</returns>
    protected abstract Task<StoredRowCounts> CountStoredRowsAsync();

    [SetUp]
    public async Task CreateStoreForTestAsync()
    {
        actors = new MutableSessionActorAccessor { Current = SessionActor.ForUser(Owner) };
        time = ManualTimeProvider.StartingTomorrow();
        store = await CreateStoreAsync(actors, time);
    }

    [TearDown]
    public async Task DisposeStoreForTestAsync()
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

    [TestCaseSource(nameof(BadInputs))]
    public async Task Call_bad_input_throws_validation_naming_column_and_rule_and_writes_nothing(InvalidInput input)
    {
        // Arrange
        ArgumentNullException.ThrowIfNull(input);
        var session = await GivenSessionWithHistoryAsync();
        var before = await StateAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<SessionValidationException>(() => input.Run(store, session.Id));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((ex!.Field, ex.Rule), Is.EqualTo((input.Field, input.Rule)));
            Assert.That(ex.Message, Does.Contain(input.Field));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [TestCaseSource(nameof(InputsAtTheLimits))]
    public async Task Call_input_just_inside_the_limits_is_stored_and_read_back(StoreOperation operation)
    {
        // Arrange
        ArgumentNullException.ThrowIfNull(operation);
        var session = await GivenSessionWithHistoryAsync();

        // Act
        await operation.Run(store, session);

        // Assert
        var history = await store.GetHistoryAsync(session.Id);
        Assert.That(history, Is.Not.Null);
    }

    [Test]
    public async Task Finalize_clock_at_9999_throws_validation_naming_finalized_at_and_writes_nothing()
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync();
        var before = await StateAsync(session.Id);
        time.Advance(FirstRefusedTimestamp - time.GetUtcNow());

        // Act
        var ex = await Assert.ThrowsAsync<SessionValidationException>(() => store.FinalizeAsync(session.Id));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("finalized_at", ValidationRule.Range)));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    /// <summary>Parses JSON text into a detached element, at any depth.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value.</returns>
    protected static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 100_000 });
        return document.RootElement.Clone();
    }

    /// <summary>Builds <c>{"a":{"a":…{"a":1}…}}</c> with <paramref name="depth"/> objects.</summary>
    /// <param name="depth">How many objects nest.</param>
    /// <returns>The value.</returns>
    protected static JsonElement NestedObjects(int depth) =>
        Json(new StringBuilder().Insert(0, "{\"a\":", depth).Append('1').Append('}', depth).ToString());

    private static string NestedArrays(int depth) => new string('[', depth) + new string(']', depth);

    // Distinct CJK characters take 3 bytes of UTF-8 each and do not compress: the worst case for the hole id's index.
    private static string Cjk(int length) => string.Create(length, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (char)(0x4E00 + ((i * 37) % 20000));
        }
    });

    private static InvalidInput Draft(string name, SessionDraftDetails details, string field, ValidationRule rule) =>
        new(name, (s, id) => s.AddDraftAsync(id, DraftSource.InitialGeneration, "x = 1", details), field, rule);

    private static InvalidInput Hole(string name, HoleResolutionDetails details, string field, ValidationRule rule) =>
        new(name, (s, id) => s.ResolveHoleAsync(id, "hole_bad", HoleType.Type, ResolutionMethod.Default, Json("1"), details), field, rule);

    private static InvalidInput Revision(string name, SessionRevisionDetails details, string field, ValidationRule rule) =>
        new(name, (s, id) => s.AppendRevisionAsync(id, RevisionSource.Refinement, Ir, details), field, rule);

    // The change is made to a copy read from the store, then written back, as a host would.
    private static InvalidInput Update(string name, Action<Session> change, string field, ValidationRule rule) =>
        new(name, async (s, id) =>
        {
            var session = (await s.GetAsync(id))!.Session;
            change(session);
            await s.UpdateAsync(session);
        }, field, rule);

    private async Task<Session> GivenSessionWithHistoryAsync()
    {
        var session = await store.CreateFromPromptAsync("Write a function that adds two numbers");
        var revision = await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir);
        await store.AddDraftAsync(session.Id, DraftSource.InitialGeneration, "def f(a, b):\n    return a + b\n", new SessionDraftDetails { IrRevisionId = revision.Id });
        await store.ResolveHoleAsync(session.Id, "hole_given", HoleType.Parameter, ResolutionMethod.UserSelection, Json("\"int\""), new HoleResolutionDetails { IrRevisionId = revision.Id });
        return (await store.GetAsync(session.Id))!.Session;
    }

    private async Task<StoredSessionState> StateAsync(Guid sessionId) =>
        await StoredSessionState.ReadAsync(store, await CountStoredRowsAsync(), sessionId);
}
