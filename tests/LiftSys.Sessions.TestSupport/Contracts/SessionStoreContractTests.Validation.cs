using System.Text.Json;

namespace LiftSys.Sessions.TestSupport.Contracts;

public abstract partial class SessionStoreContractTests
{
    private static readonly string OverLimit = new('x', MaxDocumentLength + 1);

    /// <summary>Every kind of bad input the store must refuse, with the field and rule it must name.</summary>
    /// <returns>The calls, named.</returns>
    public static IEnumerable<InvalidInput> InvalidInputs()
    {
        var ir = FakeIr;

        yield return new("prompt empty", (store, _) => store.CreateFromPromptAsync(""), "original_input", ValidationRule.NotEmpty);
        yield return new("prompt white space", (store, _) => store.CreateFromPromptAsync(" \t\n "), "original_input", ValidationRule.NotEmpty);
        yield return new("prompt null", (store, _) => store.CreateFromPromptAsync(null!), "original_input", ValidationRule.Required);
        yield return new("prompt with NUL", (store, _) => store.CreateFromPromptAsync("add\0numbers"), "original_input", ValidationRule.NoNulCharacter);
        yield return new("prompt over 1 MiB", (store, _) => store.CreateFromPromptAsync(OverLimit), "original_input", ValidationRule.MaxLength);
        yield return new("code empty", (store, _) => store.CreateFromCodeAsync(""), "original_input", ValidationRule.NotEmpty);
        yield return new("code with NUL", (store, _) => store.CreateFromCodeAsync("x = '\0'"), "original_input", ValidationRule.NoNulCharacter);
        yield return new(
            "session metadata an array",
            (store, _) => store.CreateFromPromptAsync("p", new CreateSessionOptions { Metadata = Json("[]") }),
            "metadata",
            ValidationRule.JsonShape);
        yield return new(
            "session metadata with NUL",
            (store, _) => store.CreateFromCodeAsync("c", new CreateSessionOptions { Metadata = Json("""{"a":"\u0000"}""") }),
            "metadata",
            ValidationRule.NoNulCharacter);

        yield return new("IR over 1 MiB", (store, id) => store.AppendRevisionAsync(id, RevisionSource.Refinement, Blob(MaxDocumentLength)), "ir_content", ValidationRule.MaxLength);
        yield return new("IR an array", (store, id) => store.AppendRevisionAsync(id, RevisionSource.Refinement, Json("[1,2]")), "ir_content", ValidationRule.JsonShape);
        yield return new("IR a string", (store, id) => store.AppendRevisionAsync(id, RevisionSource.Refinement, Json("\"ir\"")), "ir_content", ValidationRule.JsonShape);
        yield return new("IR undefined", (store, id) => store.AppendRevisionAsync(id, RevisionSource.Refinement, default), "ir_content", ValidationRule.JsonShape);
        yield return new("IR with NUL", (store, id) => store.AppendRevisionAsync(id, RevisionSource.Refinement, Json("""{"name":"a\u0000b"}""")), "ir_content", ValidationRule.NoNulCharacter);
        yield return new("revision source undefined", (store, id) => store.AppendRevisionAsync(id, (RevisionSource)42, ir), "source", ValidationRule.DefinedValue);
        yield return new(
            "change summary with NUL",
            (store, id) => store.AppendRevisionAsync(id, RevisionSource.Refinement, ir, new SessionRevisionDetails { ChangeSummary = "a\0" }),
            "change_summary",
            ValidationRule.NoNulCharacter);
        yield return new(
            "revision metadata an array",
            (store, id) => store.AppendRevisionAsync(id, RevisionSource.Refinement, ir, new SessionRevisionDetails { Metadata = Json("[]") }),
            "metadata",
            ValidationRule.JsonShape);
        yield return new("rollback to revision 0", (store, id) => store.RollbackToRevisionAsync(id, 0), "revision_number", ValidationRule.Positive);
        yield return new("rollback to revision -1", (store, id) => store.RollbackToRevisionAsync(id, -1), "revision_number", ValidationRule.Positive);

        yield return new("draft code empty", (store, id) => store.AddDraftAsync(id, DraftSource.UserEdit, ""), "code_content", ValidationRule.NotEmpty);
        yield return new("draft code with NUL", (store, id) => store.AddDraftAsync(id, DraftSource.UserEdit, "a\0"), "code_content", ValidationRule.NoNulCharacter);
        yield return new("draft code over 1 MiB", (store, id) => store.AddDraftAsync(id, DraftSource.UserEdit, OverLimit), "code_content", ValidationRule.MaxLength);
        yield return new("draft source undefined", (store, id) => store.AddDraftAsync(id, (DraftSource)42, "x = 1"), "source", ValidationRule.DefinedValue);
        yield return Draft("language white space", new SessionDraftDetails { Language = "  " }, "language", ValidationRule.NotEmpty);
        yield return Draft("generation time negative", new SessionDraftDetails { GenerationTimeMs = -1 }, "generation_time_ms", ValidationRule.NonNegative);
        yield return Draft("validation time negative", new SessionDraftDetails { ValidationTimeMs = -1 }, "validation_time_ms", ValidationRule.NonNegative);
        yield return Draft("tokens negative", new SessionDraftDetails { LlmTokensUsed = -5 }, "llm_tokens_used", ValidationRule.NonNegative);
        yield return Draft("cost negative", new SessionDraftDetails { LlmCostUsd = -0.01m }, "llm_cost_usd", ValidationRule.NonNegative);
        yield return Draft("cost with seven decimals", new SessionDraftDetails { LlmCostUsd = 0.0000001m }, "llm_cost_usd", ValidationRule.Precision);
        yield return Draft("cost too large", new SessionDraftDetails { LlmCostUsd = 10_000m }, "llm_cost_usd", ValidationRule.Precision);
        yield return Draft("validation errors an object", new SessionDraftDetails { ValidationErrors = Json("{}") }, "validation_errors", ValidationRule.JsonShape);

        yield return Hole("confidence above 1", new HoleResolutionDetails { ConfidenceScore = 1.01m }, "confidence_score", ValidationRule.Range);
        yield return Hole("confidence below 0", new HoleResolutionDetails { ConfidenceScore = -0.01m }, "confidence_score", ValidationRule.Range);
        yield return Hole("confidence with three decimals", new HoleResolutionDetails { ConfidenceScore = 0.555m }, "confidence_score", ValidationRule.Precision);
        yield return Hole("suggestions an object", new HoleResolutionDetails { SuggestionsProvided = Json("{}") }, "suggestions_provided", ValidationRule.JsonShape);
        yield return Hole("feedback with NUL", new HoleResolutionDetails { UserFeedback = "\0" }, "user_feedback", ValidationRule.NoNulCharacter);
        yield return Hole("original data with NUL", new HoleResolutionDetails { OriginalHoleData = Json("\"\\u0000\"") }, "original_hole_data", ValidationRule.NoNulCharacter);
        yield return new(
            "hole id empty",
            (store, id) => store.ResolveHoleAsync(id, "", HoleType.Type, ResolutionMethod.Default, Json("1")),
            "hole_id",
            ValidationRule.NotEmpty);
        yield return new(
            "hole type undefined",
            (store, id) => store.ResolveHoleAsync(id, "h", (HoleType)99, ResolutionMethod.Default, Json("1")),
            "hole_type",
            ValidationRule.DefinedValue);
        yield return new(
            "resolution method undefined",
            (store, id) => store.ResolveHoleAsync(id, "h", HoleType.Type, (ResolutionMethod)99, Json("1")),
            "resolution_method",
            ValidationRule.DefinedValue);
        yield return new(
            "resolved value undefined",
            (store, id) => store.ResolveHoleAsync(id, "h", HoleType.Type, ResolutionMethod.Default, default),
            "resolved_value",
            ValidationRule.JsonShape);

        yield return new("list status undefined", (store, _) => store.ListByStatusAsync((SessionStatus)9, PageRequest.First()), "status", ValidationRule.DefinedValue);
        yield return new("search target undefined", (store, _) => store.SearchAsync((SessionSearchTarget)9, Json("{}"), PageRequest.First()), "target", ValidationRule.DefinedValue);
        yield return new("IR search an array", (store, _) => store.SearchAsync(SessionSearchTarget.CurrentIr, Json("[1]"), PageRequest.First()), "current_ir", ValidationRule.JsonShape);
        yield return new("metadata search a number", (store, _) => store.SearchAsync(SessionSearchTarget.Metadata, Json("1"), PageRequest.First()), "metadata", ValidationRule.JsonShape);
    }

    [TestCaseSource(nameof(InvalidInputs))]
    public async Task Call_invalid_input_throws_validation_naming_field_and_rule_and_writes_nothing(InvalidInput input)
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        var before = await StateAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<SessionValidationException>(() => input.Run(Store, session.Id));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((ex!.Field, ex.Rule), Is.EqualTo((input.Field, input.Rule)));
            Assert.That(ex.Message, Does.Contain(input.Field));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [TestCaseSource(nameof(InvalidInputs))]
    public async Task Call_invalid_input_for_missing_session_is_refused_as_invalid_before_the_session_is_looked_up(InvalidInput input)
    {
        // Arrange
        ActAs(UserA);

        // Act
        var ex = await Assert.ThrowsAsync<SessionValidationException>(() => input.Run(Store, Guid.NewGuid()));

        // Assert
        Assert.That((ex!.Field, ex.Rule), Is.EqualTo((input.Field, input.Rule)));
    }

    [Test]
    public async Task AppendRevision_ir_exactly_at_the_limit_is_accepted()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var atLimit = Blob(MaxDocumentLength - """{"blob":""}""".Length);

        // Act
        var revision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, atLimit);

        // Assert
        Assert.That(revision.RevisionNumber, Is.EqualTo(1));
    }

    [Test]
    public async Task ListActive_null_page_throws_argument_null()
    {
        // Arrange
        ActAs(UserA);

        // Act
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => Store.ListActiveAsync(null!));

        // Assert
        Assert.That(ex!.ParamName, Is.EqualTo("page"));
    }

    private static JsonElement FakeIr => Json("""{"signature":{"name":"f"}}""");

    private static JsonElement Blob(int length) => Json($$"""{"blob":"{{new string('x', length)}}"}""");

    private static InvalidInput Draft(string name, SessionDraftDetails details, string field, ValidationRule rule) =>
        new(name, (store, id) => store.AddDraftAsync(id, DraftSource.InitialGeneration, "x = 1", details), field, rule);

    private static InvalidInput Hole(string name, HoleResolutionDetails details, string field, ValidationRule rule) =>
        new(name, (store, id) => store.ResolveHoleAsync(id, "hole_bad", HoleType.Type, ResolutionMethod.Default, Json("1"), details), field, rule);
}
