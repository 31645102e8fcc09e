namespace LiftSys.Sessions.Tests;

public sealed class ChildEntityTests
{
    private static readonly Guid SessionId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly System.Text.Json.JsonElement Ir = Json.Parse("""{"signature":{"name":"add"}}""");

    [TestCase(0)]
    [TestCase(-1)]
    public void SessionRevision_Create_non_positive_number_throws_Positive(int number)
    {
        var ex = Assert.Throws<SessionValidationException>(() => SessionRevision.Create(SessionId, number, RevisionSource.Initial, Ir));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("revision_number", ValidationRule.Positive)));
    }

    [Test]
    public void SessionRevision_create_array_ir_throws_json_shape_on_ir_content()
    {
        var ex = Assert.Throws<SessionValidationException>(
            () => SessionRevision.Create(SessionId, 1, RevisionSource.Initial, Json.Parse("[1]")));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("ir_content", ValidationRule.JsonShape)));
    }

    [Test]
    public void SessionRevision_Create_defaults_changed_fields_to_empty_and_metadata_to_object()
    {
        var revision = SessionRevision.Create(SessionId, 1, RevisionSource.Initial, Ir);

        Assert.Multiple(() =>
        {
            Assert.That(revision.ChangedFields, Is.Empty);
            Assert.That(revision.Metadata!.Value.GetRawText(), Is.EqualTo("{}"));
        });
    }

    [Test]
    public void SessionRevision_create_undefined_source_throws_defined_value()
    {
        var ex = Assert.Throws<SessionValidationException>(() => SessionRevision.Create(SessionId, 1, (RevisionSource)9, Ir));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("source", ValidationRule.DefinedValue)));
    }

    [Test]
    public void SessionRevision_create_blank_changed_field_throws_not_empty()
    {
        var ex = Assert.Throws<SessionValidationException>(
            () => SessionRevision.Create(SessionId, 1, RevisionSource.Refinement, Ir, changedFields: ["signature", " "]));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("changed_fields", ValidationRule.NotEmpty)));
    }

    [Test]
    public void SessionDraft_Create_defaults_language_and_validation_errors()
    {
        var draft = SessionDraft.Create(SessionId, 1, DraftSource.InitialGeneration, "def add(a, b): return a + b");

        Assert.Multiple(() =>
        {
            Assert.That(draft.Language, Is.EqualTo("python"));
            Assert.That(draft.ValidationErrors!.Value.GetRawText(), Is.EqualTo("[]"));
            Assert.That(draft.IsFullyValid, Is.False);
        });
    }

    [Test]
    public void SessionDraft_Create_blank_code_throws_naming_code_content()
    {
        var ex = Assert.Throws<SessionValidationException>(() => SessionDraft.Create(SessionId, 1, DraftSource.UserEdit, " "));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("code_content", ValidationRule.NotEmpty)));
    }

    [TestCase("generation_time_ms")]
    [TestCase("validation_time_ms")]
    [TestCase("llm_tokens_used")]
    public void SessionDraft_create_negative_measure_throws_non_negative_naming_it(string field)
    {
        var details = field switch
        {
            "generation_time_ms" => new SessionDraftDetails { GenerationTimeMs = -1 },
            "validation_time_ms" => new SessionDraftDetails { ValidationTimeMs = -1 },
            _ => new SessionDraftDetails { LlmTokensUsed = -1 },
        };

        var ex = Assert.Throws<SessionValidationException>(() => SessionDraft.Create(SessionId, 1, DraftSource.UserEdit, "x", details));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo((field, ValidationRule.NonNegative)));
    }

    [TestCase("-0.000001", ValidationRule.NonNegative)]
    [TestCase("0.0000001", ValidationRule.Precision)]
    [TestCase("10000", ValidationRule.Precision)]
    public void SessionDraft_Create_cost_that_does_not_fit_throws(string cost, ValidationRule rule)
    {
        var details = new SessionDraftDetails { LlmCostUsd = decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture) };

        var ex = Assert.Throws<SessionValidationException>(() => SessionDraft.Create(SessionId, 1, DraftSource.UserEdit, "x", details));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("llm_cost_usd", rule)));
    }

    [Test]
    public void SessionDraft_Create_largest_cost_is_accepted()
    {
        var draft = SessionDraft.Create(
            SessionId, 1, DraftSource.UserEdit, "x", new SessionDraftDetails { LlmCostUsd = SessionDraft.MaxLlmCostUsd });

        Assert.That(draft.LlmCostUsd, Is.EqualTo(9999.999999m));
    }

    [Test]
    public void SessionDraft_create_object_validation_errors_throws_json_shape()
    {
        var details = new SessionDraftDetails { ValidationErrors = Json.Parse("{}") };

        var ex = Assert.Throws<SessionValidationException>(() => SessionDraft.Create(SessionId, 1, DraftSource.UserEdit, "x", details));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("validation_errors", ValidationRule.JsonShape)));
    }

    [TestCase("1.01", ValidationRule.Range)]
    [TestCase("-0.01", ValidationRule.Range)]
    [TestCase("0.555", ValidationRule.Precision)]
    public void HoleResolution_Create_bad_confidence_throws(string confidence, ValidationRule rule)
    {
        var details = new HoleResolutionDetails { ConfidenceScore = decimal.Parse(confidence, System.Globalization.CultureInfo.InvariantCulture) };

        var ex = Assert.Throws<SessionValidationException>(
            () => HoleResolution.Create(SessionId, "h1", HoleType.Type, ResolutionMethod.Inference, Json.Parse("\"int\""), details));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("confidence_score", rule)));
    }

    [TestCase("0")]
    [TestCase("1")]
    [TestCase("0.42")]
    public void HoleResolution_Create_confidence_in_range_is_kept(string confidence)
    {
        var value = decimal.Parse(confidence, System.Globalization.CultureInfo.InvariantCulture);

        var resolution = HoleResolution.Create(
            SessionId, "h1", HoleType.Type, ResolutionMethod.Inference, Json.Parse("1"), new HoleResolutionDetails { ConfidenceScore = value });

        Assert.That(resolution.ConfidenceScore, Is.EqualTo(value));
    }

    [Test]
    public void HoleResolution_Create_undefined_method_throws_naming_resolution_method()
    {
        var ex = Assert.Throws<SessionValidationException>(
            () => HoleResolution.Create(SessionId, "h1", HoleType.Type, (ResolutionMethod)77, Json.Parse("1")));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("resolution_method", ValidationRule.DefinedValue)));
    }

    [Test]
    public void HoleResolution_create_blank_hole_id_throws_not_empty()
    {
        var ex = Assert.Throws<SessionValidationException>(
            () => HoleResolution.Create(SessionId, "", HoleType.Other, ResolutionMethod.Default, Json.Parse("1")));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("hole_id", ValidationRule.NotEmpty)));
    }

    [Test]
    public void HoleResolution_Create_resolved_value_is_detached_from_its_document()
    {
        HoleResolution resolution;
        using (var document = System.Text.Json.JsonDocument.Parse("""{"type":"int"}"""))
        {
            resolution = HoleResolution.Create(SessionId, "h1", HoleType.Type, ResolutionMethod.UserSelection, document.RootElement);
        }

        Assert.That(resolution.ResolvedValue.GetProperty("type").GetString(), Is.EqualTo("int"));
    }
}
