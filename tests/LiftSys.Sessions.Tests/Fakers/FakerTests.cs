using System.Text.Json;
using Bogus;
using LiftSys.Sessions.TestSupport.Fakers;

namespace LiftSys.Sessions.Tests.Fakers;

public sealed class FakerTests
{
    [Test]
    public void IrDocumentFaker_same_seed_generates_the_same_documents_whatever_the_global_seed()
    {
        // Arrange
        var original = Randomizer.Seed;
        IReadOnlyList<JsonElement> first;
        IReadOnlyList<JsonElement> second;

        // Act
        try
        {
            Randomizer.Seed = new Random(1);
            first = new IrDocumentFaker(7).Generate(5);
            Randomizer.Seed = new Random(2);
            second = new IrDocumentFaker(7).Generate(5);
        }
        finally
        {
            Randomizer.Seed = original;
        }

        // Assert
        Assert.That(second.Select(d => d.GetRawText()), Is.EqualTo(first.Select(d => d.GetRawText())));
    }

    [Test]
    public void IrDocumentFaker_different_seeds_generate_different_documents()
    {
        // Arrange
        var one = new IrDocumentFaker(1);
        var two = new IrDocumentFaker(2);

        // Act
        var first = one.Generate().GetRawText();
        var second = two.Generate().GetRawText();

        // Assert
        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void IrDocumentFaker_documents_are_objects_with_nested_objects_and_arrays()
    {
        // Arrange
        var faker = new IrDocumentFaker();

        // Act
        var document = faker.Generate();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(document.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(document.GetProperty("signature").ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(document.GetProperty("signature").GetProperty("parameters").ValueKind, Is.EqualTo(JsonValueKind.Array));
            Assert.That(document.GetProperty("assertions").GetArrayLength(), Is.GreaterThan(0));
            Assert.That(document.GetProperty("assertions")[0].ValueKind, Is.EqualTo(JsonValueKind.Object));
        });
    }

    [Test]
    public void SessionFaker_owned_and_from_code_generates_valid_reverse_mode_sessions_of_that_owner()
    {
        // Arrange
        var owner = Guid.NewGuid();
        var faker = new SessionFaker().OwnedBy(owner).FromCode();

        // Act
        var sessions = faker.Generate(50);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(sessions.Select(s => s.UserId), Is.All.EqualTo(owner));
            Assert.That(sessions.Select(s => s.Source), Is.All.EqualTo(SessionSource.Code));
            Assert.That(sessions.Select(s => s.Status), Is.All.EqualTo(SessionStatus.Active));
            Assert.That(sessions.Select(s => s.OriginalInput), Is.All.Not.Empty);
            Assert.That(sessions.Select(s => s.Id).Distinct().Count(), Is.EqualTo(50));
        });
    }

    [Test]
    public void SessionFaker_same_seed_generates_the_same_inputs()
    {
        // Arrange
        var one = new SessionFaker(11);
        var two = new SessionFaker(11);

        // Act
        var first = one.Generate(10);
        var second = two.Generate(10);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(second.Select(s => s.OriginalInput), Is.EqualTo(first.Select(s => s.OriginalInput)));
            Assert.That(second.Select(s => s.UserId), Is.EqualTo(first.Select(s => s.UserId)));
            Assert.That(second.Select(s => s.CurrentIr?.GetRawText()), Is.EqualTo(first.Select(s => s.CurrentIr?.GetRawText())));
        });
    }

    [Test]
    public void SessionRevisionFaker_sequence_numbers_from_one_with_diffs_against_the_previous()
    {
        // Arrange
        var sessionId = Guid.NewGuid();
        var faker = new SessionRevisionFaker(sessionId);

        // Act
        var revisions = faker.Generate(6);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(revisions.Select(r => r.RevisionNumber), Is.EqualTo(Enumerable.Range(1, 6)));
            Assert.That(revisions.Select(r => r.SessionId), Is.All.EqualTo(sessionId));
            Assert.That(revisions[0].Source, Is.EqualTo(RevisionSource.Initial));
            Assert.That(revisions.Skip(1).Select(r => r.Source), Has.None.EqualTo(RevisionSource.Initial));
            Assert.That(revisions[3].ChangedFields, Is.EqualTo(IrDiff.ChangedFields(revisions[2].IrContent, revisions[3].IrContent)));
        });
    }

    [Test]
    public void SessionDraftFaker_sequence_generates_valid_numbered_drafts()
    {
        // Arrange
        var sessionId = Guid.NewGuid();
        var revisionId = Guid.NewGuid();
        var faker = new SessionDraftFaker(sessionId, revisionId);

        // Act
        var drafts = faker.Generate(100);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(drafts.Select(d => d.DraftNumber), Is.EqualTo(Enumerable.Range(1, 100)));
            Assert.That(drafts.Select(d => d.IrRevisionId), Is.All.EqualTo(revisionId));
            Assert.That(drafts.Select(d => d.LlmCostUsd!.Value), Is.All.InRange(0m, SessionDraft.MaxLlmCostUsd));
            Assert.That(drafts.Where(d => d.IsFullyValid).Select(d => d.ValidationErrors!.Value.GetArrayLength()), Is.All.Zero);
            Assert.That(drafts.Where(d => !d.IsFullyValid).Select(d => d.ValidationErrors!.Value.GetArrayLength()), Is.All.Positive);
        });
    }

    [Test]
    public void HoleResolutionFaker_sequence_generates_valid_resolutions_of_distinct_holes()
    {
        // Arrange
        var faker = new HoleResolutionFaker(Guid.NewGuid());

        // Act
        var resolutions = faker.Generate(100);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(resolutions.Select(r => r.HoleId), Is.Unique);
            Assert.That(resolutions.Where(r => r.ConfidenceScore is not null).Select(r => r.ConfidenceScore!.Value), Is.All.InRange(0m, 1m));
            Assert.That(resolutions.Select(r => r.SuggestionsProvided!.Value.ValueKind), Is.All.EqualTo(JsonValueKind.Array));
        });
    }

    [Test]
    public void DetailsFakers_same_seed_generate_the_same_details()
    {
        // Arrange
        var drafts = (new SessionDraftDetailsFaker(5), new SessionDraftDetailsFaker(5));
        var holes = (new HoleResolutionDetailsFaker(5), new HoleResolutionDetailsFaker(5));

        // Act
        var draftCosts = (drafts.Item1.Generate(5).Select(d => d.LlmCostUsd), drafts.Item2.Generate(5).Select(d => d.LlmCostUsd));
        var holeScores = (holes.Item1.Generate(5).Select(h => h.ConfidenceScore), holes.Item2.Generate(5).Select(h => h.ConfidenceScore));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(draftCosts.Item2, Is.EqualTo(draftCosts.Item1));
            Assert.That(holeScores.Item2, Is.EqualTo(holeScores.Item1));
        });
    }
}
