using System.Text.Json;
using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.EfCore.Tests.Schema;

/// <summary>Every column type survives a write through EF and a read in a new context unchanged.</summary>
public sealed class RoundTripTests
{
    private const string NestedIr = """
        {"intent":{"summary":"add two numbers","tags":["math",{"deep":[1,2.5,-3e-7,null,true]}]},
         "signature":{"name":"add","parameters":[{"name":"a","type":"int"},{"name":"b","type":"int"}],"returns":"int"},
         "unicode":"héllo \u2603 \"quoted\" \\ back"}
        """;

    private TestDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [Test]
    public async Task Session_with_revision_draft_and_resolution_reads_back_equal()
    {
        var ir = Parse(NestedIr);
        var session = Session.StartFromCode(Guid.NewGuid(), "def add(a, b):\n    return a + b\n", Parse("""{"tags":["t"],"n":1}"""));
        session.SetCurrentIr(ir);
        session.SetCurrentCode("def add(a: int, b: int) -> int: ...");
        var revision = SessionRevision.Create(
            session.Id, 1, RevisionSource.UserEdit, ir, Parse("""{"ok":false,"errors":["e1"]}"""), ["intent", "signature.parameters"], "first");
        var draft = SessionDraft.Create(session.Id, 1, DraftSource.LlmRegeneration, "def add(a, b): return a + b", new SessionDraftDetails
        {
            IrRevisionId = revision.Id,
            Language = "typescript",
            SyntaxValid = true,
            AstValid = false,
            ValidationErrors = Parse("""[{"line":1,"message":"bad"}]"""),
            GenerationTimeMs = 1234,
            ValidationTimeMs = 0,
            LlmTokensUsed = int.MaxValue,
            LlmCostUsd = 9999.999999m,
        });
        var resolution = HoleResolution.Create(session.Id, "hole-1", HoleType.ReturnValue, ResolutionMethod.AiSuggestion, Parse("""{"type":"int"}"""),
            new HoleResolutionDetails
            {
                IrRevisionId = revision.Id,
                ConfidenceScore = 0.87m,
                OriginalHoleData = Parse("""{"kind":"return","candidates":["int","float"]}"""),
                SuggestionsProvided = Parse("""["int","float"]"""),
                UserFeedback = "looks right",
            });
        await using (var write = database.CreateOwnerContext())
        {
            write.AddRange(session, revision, draft, resolution);
            await write.SaveChangesAsync();
        }

        await using var read = database.CreateOwnerContext();
        var s = await read.Sessions.SingleAsync(x => x.Id == session.Id);
        var r = await read.Revisions.SingleAsync(x => x.Id == revision.Id);
        var d = await read.Drafts.SingleAsync(x => x.Id == draft.Id);
        var h = await read.HoleResolutions.SingleAsync(x => x.Id == resolution.Id);

        Assert.Multiple(() =>
        {
            Assert.That(s.Source, Is.EqualTo(SessionSource.Code));
            Assert.That(s.OriginalInput, Is.EqualTo(session.OriginalInput));
            Assert.That(JsonElement.DeepEquals(s.CurrentIr!.Value, ir), Is.True, "current_ir");
            Assert.That(JsonElement.DeepEquals(s.Metadata!.Value, session.Metadata!.Value), Is.True, "metadata");
            Assert.That(s.CreatedAt, Is.EqualTo(session.CreatedAt));
            Assert.That(s.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That(JsonElement.DeepEquals(r.IrContent, ir), Is.True, "ir_content");
            Assert.That(JsonElement.DeepEquals(r.ValidationResult!.Value, revision.ValidationResult!.Value), Is.True, "validation_result");
            Assert.That(r.ChangedFields, Is.EqualTo(new[] { "intent", "signature.parameters" }));
            Assert.That((r.Source, r.ChangeSummary), Is.EqualTo((RevisionSource.UserEdit, "first")));
            Assert.That(d.LlmCostUsd, Is.EqualTo(9999.999999m));
            Assert.That((d.LlmTokensUsed, d.GenerationTimeMs, d.ValidationTimeMs), Is.EqualTo((int.MaxValue, 1234, 0)));
            Assert.That((d.SyntaxValid, d.AstValid, d.Language, d.IrRevisionId), Is.EqualTo((true, false, "typescript", revision.Id)));
            Assert.That(JsonElement.DeepEquals(d.ValidationErrors!.Value, draft.ValidationErrors!.Value), Is.True, "validation_errors");
            Assert.That((h.HoleType, h.ResolutionMethod, h.ConfidenceScore), Is.EqualTo((HoleType.ReturnValue, ResolutionMethod.AiSuggestion, 0.87m)));
            Assert.That(JsonElement.DeepEquals(h.OriginalHoleData!.Value, resolution.OriginalHoleData!.Value), Is.True, "original_hole_data");
            Assert.That(JsonElement.DeepEquals(h.SuggestionsProvided!.Value, resolution.SuggestionsProvided!.Value), Is.True);
            Assert.That(h.UserFeedback, Is.EqualTo("looks right"));
        });
    }

    [Test]
    public async Task Smallest_cost_and_timestamps_keep_their_precision()
    {
        var session = Session.StartFromPrompt(Guid.NewGuid(), "p");
        var draft = SessionDraft.Create(session.Id, 1, DraftSource.InitialGeneration, "x", new SessionDraftDetails { LlmCostUsd = 0.000001m });
        var finalizedAt = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.FromHours(-5)).AddTicks(1230);
        await using (var write = database.CreateOwnerContext())
        {
            write.AddRange(session, draft);
            await write.SaveChangesAsync();
            session.MarkFinalized(finalizedAt);
            await write.SaveChangesAsync();
        }

        await using var read = database.CreateOwnerContext();
        var s = await read.Sessions.SingleAsync(x => x.Id == session.Id);
        var d = await read.Drafts.SingleAsync(x => x.Id == draft.Id);

        Assert.Multiple(() =>
        {
            Assert.That(d.LlmCostUsd, Is.EqualTo(0.000001m));
            Assert.That(s.FinalizedAt, Is.EqualTo(finalizedAt), "timestamptz keeps microseconds");
            Assert.That(s.FinalizedAt!.Value.Offset, Is.EqualTo(TimeSpan.Zero), "read back as UTC");
            Assert.That(s.Status, Is.EqualTo(SessionStatus.Finalized));
        });
    }

    [Test]
    public async Task Row_written_by_another_client_with_nulls_and_defaults_reads_back()
    {
        await using var connection = await database.OpenOwnerConnectionAsync();
        var sessionId = await SqlRows.InsertSessionAsync(connection, values: new Dictionary<string, object?> { ["metadata"] = null });
        var revisionId = await SqlRows.InsertRevisionAsync(connection, sessionId, 1, new Dictionary<string, object?> { ["changed_fields"] = null });
        var draftId = await SqlRows.InsertDraftAsync(connection, sessionId, 1);

        await using var read = database.CreateOwnerContext();
        var s = await read.Sessions.SingleAsync(x => x.Id == sessionId);
        var r = await read.Revisions.SingleAsync(x => x.Id == revisionId);
        var d = await read.Drafts.SingleAsync(x => x.Id == draftId);

        Assert.Multiple(() =>
        {
            Assert.That((s.Status, s.Source, s.Metadata), Is.EqualTo((SessionStatus.Active, SessionSource.Prompt, (JsonElement?)null)));
            Assert.That((s.RevisionCount, s.DraftCount, s.HoleCount), Is.EqualTo((1, 1, 0)), "kept by the triggers for rows any client writes");
            Assert.That(r.ChangedFields, Is.Null);
            Assert.That(r.Metadata!.Value.GetRawText(), Is.EqualTo("{}"));
            Assert.That((d.Language, d.SyntaxValid, d.AstValid), Is.EqualTo(("python", false, false)));
            Assert.That(d.ValidationErrors!.Value.GetRawText(), Is.EqualTo("[]"));
        });
    }

    [Test]
    public async Task Assigning_an_equal_json_document_is_not_a_change()
    {
        var session = Session.StartFromPrompt(Guid.NewGuid(), "p", Parse("""{"a":1,"b":[1,2]}"""));
        await using var context = database.CreateOwnerContext();
        context.Add(session);
        await context.SaveChangesAsync();

        session.ReplaceMetadata(Parse("""{ "b" : [1, 2], "a" : 1 }"""));
        context.ChangeTracker.DetectChanges();

        Assert.That(context.Entry(session).State, Is.EqualTo(EntityState.Unchanged));
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
