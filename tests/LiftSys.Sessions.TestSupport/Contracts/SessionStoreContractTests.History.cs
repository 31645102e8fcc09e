namespace LiftSys.Sessions.TestSupport.Contracts;

public abstract partial class SessionStoreContractTests
{
    [Test]
    public async Task AppendRevision_three_times_numbers_one_two_three_and_counts_them()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);

        // Act
        var first = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir());
        var second = await Store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, Ir());
        var third = await Store.AppendRevisionAsync(session.Id, RevisionSource.UserEdit, Ir());

        // Assert
        var history = await HistoryAsync(session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(new[] { first.RevisionNumber, second.RevisionNumber, third.RevisionNumber }, Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(history.Revisions.Select(r => r.Id), Is.EqualTo(new[] { first.Id, second.Id, third.Id }));
            Assert.That(history.Revisions.Select(r => r.SessionId), Is.All.EqualTo(session.Id));
            Assert.That(history.Session.RevisionCount, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task AppendRevision_first_revision_reports_every_top_level_key_changed()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);

        // Act
        var revision = await Store.AppendRevisionAsync(
            session.Id, RevisionSource.Initial, Json("""{"signature":{"name":"f"},"effects":[],"intent":"x"}"""));

        // Assert
        Assert.That(revision.ChangedFields, Is.EqualTo(new[] { "effects", "intent", "signature" }));
    }

    [Test]
    public async Task AppendRevision_next_revision_diffs_against_the_previous_revision()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        await Store.AppendRevisionAsync(
            session.Id, RevisionSource.Initial, Json("""{"signature":{"name":"f","parameters":[1]},"effects":["io"],"old":true}"""));

        // Act
        var revision = await Store.AppendRevisionAsync(
            session.Id, RevisionSource.Refinement, Json("""{"effects":["io"],"signature":{"parameters":[1,2],"name":"f"},"new":1}"""));

        // Assert
        Assert.That(revision.ChangedFields, Is.EqualTo(new[] { "new", "old", "signature.parameters" }));
    }

    [Test]
    public async Task AppendRevision_with_details_keeps_source_summary_validation_and_metadata()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var ir = Ir();
        var details = new SessionRevisionDetails
        {
            ChangeSummary = "Resolved the return type.",
            ValidationResult = Json("""{"valid":false,"errors":["missing return"]}"""),
            Metadata = Json("""{"model":"m1"}"""),
        };

        // Act
        var appended = await Store.AppendRevisionAsync(session.Id, RevisionSource.Repair, ir, details);

        // Assert
        var stored = (await HistoryAsync(session.Id)).Revisions.Single();
        Assert.Multiple(() =>
        {
            Assert.That(stored.Id, Is.EqualTo(appended.Id));
            Assert.That(stored.Source, Is.EqualTo(RevisionSource.Repair));
            Assert.That(stored.IrContent, IsJson(ir));
            Assert.That(stored.ChangeSummary, Is.EqualTo(details.ChangeSummary));
            Assert.That(stored.ValidationResult, IsJson(details.ValidationResult.Value));
            Assert.That(stored.Metadata, IsJson(details.Metadata.Value));
            Assert.That(stored.CreatedAt, Is.Not.EqualTo(default(DateTimeOffset)));
        });
    }

    [Test]
    public async Task AppendRevision_always_moves_current_ir_and_advances_the_token()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var ir = Ir();

        // Act
        var revision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, ir);

        // Assert
        var stored = (await Store.GetAsync(session.Id))!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(stored.CurrentIr, IsJson(ir));
            Assert.That(stored.UpdatedAt, Is.GreaterThan(session.UpdatedAt));
            Assert.That(stored.UpdatedAt, Is.GreaterThanOrEqualTo(revision.CreatedAt));
        });
    }

    [Test]
    public async Task AddDraft_twice_numbers_one_two_and_moves_current_code()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var lastCode = Code();

        // Act
        var first = await Store.AddDraftAsync(session.Id, DraftSource.InitialGeneration, Code());
        var second = await Store.AddDraftAsync(session.Id, DraftSource.LlmRegeneration, lastCode);

        // Assert
        var history = await HistoryAsync(session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(new[] { first.DraftNumber, second.DraftNumber }, Is.EqualTo(new[] { 1, 2 }));
            Assert.That(history.Drafts.Select(d => d.Id), Is.EqualTo(new[] { first.Id, second.Id }));
            Assert.That(history.Session.DraftCount, Is.EqualTo(2));
            Assert.That(history.Session.CurrentCode, Is.EqualTo(lastCode));
        });
    }

    [Test]
    public async Task AddDraft_all_details_round_trip()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var revision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir());
        var code = Code();
        var details = new SessionDraftDetails
        {
            IrRevisionId = revision.Id,
            Language = "typescript",
            SyntaxValid = true,
            AstValid = false,
            ValidationErrors = Json("""[{"line":3,"message":"unused variable"}]"""),
            GenerationTimeMs = 1234,
            ValidationTimeMs = 56,
            LlmTokensUsed = 789,
            LlmCostUsd = 0.012345m,
            Metadata = Json("""{"model":"m2"}"""),
        };

        // Act
        var added = await Store.AddDraftAsync(session.Id, DraftSource.AstRepair, code, details);

        // Assert
        var stored = (await HistoryAsync(session.Id)).Drafts.Single();
        Assert.Multiple(() =>
        {
            Assert.That(stored.Id, Is.EqualTo(added.Id));
            Assert.That(stored.Source, Is.EqualTo(DraftSource.AstRepair));
            Assert.That(stored.CodeContent, Is.EqualTo(code));
            Assert.That(stored.IrRevisionId, Is.EqualTo(revision.Id));
            Assert.That(stored.Language, Is.EqualTo("typescript"));
            Assert.That((stored.SyntaxValid, stored.AstValid), Is.EqualTo((true, false)));
            Assert.That(stored.ValidationErrors, IsJson(details.ValidationErrors.Value));
            Assert.That((stored.GenerationTimeMs, stored.ValidationTimeMs, stored.LlmTokensUsed), Is.EqualTo(((int?)1234, (int?)56, (int?)789)));
            Assert.That(stored.LlmCostUsd, Is.EqualTo(0.012345m));
            Assert.That(stored.Metadata, IsJson(details.Metadata.Value));
        });
    }

    [Test]
    public async Task AddDraft_ir_revision_of_another_session_throws_revision_not_found_and_writes_nothing()
    {
        // Arrange
        var other = await GivenSessionAsync(UserA);
        var foreignRevision = await Store.AppendRevisionAsync(other.Id, RevisionSource.Initial, Ir());
        var session = await GivenSessionAsync(UserA);
        var before = await StateAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<SessionRevisionNotFoundException>(() => Store.AddDraftAsync(
            session.Id, DraftSource.InitialGeneration, Code(), new SessionDraftDetails { IrRevisionId = foreignRevision.Id }));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((ex!.SessionId, ex.RevisionId), Is.EqualTo((session.Id, (Guid?)foreignRevision.Id)));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task ResolveHole_all_details_round_trip_and_count()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var revision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir());
        var value = Json("""{"type":"list[int]"}""");
        var details = new HoleResolutionDetails
        {
            IrRevisionId = revision.Id,
            ConfidenceScore = 0.85m,
            OriginalHoleData = Json("""{"kind":"return_value","description":"what is returned"}"""),
            SuggestionsProvided = Json("""["int","list[int]"]"""),
            UserFeedback = "The list suggestion was right.",
            Metadata = Json("""{"ui":"picker"}"""),
        };

        // Act
        var resolved = await Store.ResolveHoleAsync(session.Id, "hole_return", HoleType.ReturnValue, ResolutionMethod.AiSuggestion, value, details);

        // Assert
        var history = await HistoryAsync(session.Id);
        var stored = history.HoleResolutions.Single();
        Assert.Multiple(() =>
        {
            Assert.That(stored.Id, Is.EqualTo(resolved.Id));
            Assert.That(stored.HoleId, Is.EqualTo("hole_return"));
            Assert.That(stored.HoleType, Is.EqualTo(HoleType.ReturnValue));
            Assert.That(stored.ResolutionMethod, Is.EqualTo(ResolutionMethod.AiSuggestion));
            Assert.That(stored.ResolvedValue, IsJson(value));
            Assert.That(stored.IrRevisionId, Is.EqualTo(revision.Id));
            Assert.That(stored.ConfidenceScore, Is.EqualTo(0.85m));
            Assert.That(stored.OriginalHoleData, IsJson(details.OriginalHoleData.Value));
            Assert.That(stored.SuggestionsProvided, IsJson(details.SuggestionsProvided.Value));
            Assert.That(stored.UserFeedback, Is.EqualTo(details.UserFeedback));
            Assert.That(stored.Metadata, IsJson(details.Metadata.Value));
            Assert.That(history.Session.HoleCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ResolveHole_same_hole_twice_in_one_revision_throws_duplicate_and_writes_nothing()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var revision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir());
        var details = new HoleResolutionDetails { IrRevisionId = revision.Id };
        await Store.ResolveHoleAsync(session.Id, "hole_x", HoleType.Type, ResolutionMethod.UserSelection, Json("1"), details);
        var before = await StateAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<DuplicateHoleResolutionException>(
            () => Store.ResolveHoleAsync(session.Id, "hole_x", HoleType.Type, ResolutionMethod.Inference, Json("2"), details));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((ex!.SessionId, ex.IrRevisionId, ex.HoleId), Is.EqualTo((session.Id, revision.Id, "hole_x")));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task ResolveHole_same_hole_twice_without_revision_keeps_both()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        await Store.ResolveHoleAsync(session.Id, "hole_x", HoleType.Type, ResolutionMethod.UserSelection, Json("1"));

        // Act
        await Store.ResolveHoleAsync(session.Id, "hole_x", HoleType.Type, ResolutionMethod.UserSelection, Json("2"));

        // Assert
        var history = await HistoryAsync(session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(history.HoleResolutions, Has.Count.EqualTo(2));
            Assert.That(history.Session.HoleCount, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task ResolveHole_ir_revision_of_another_session_throws_revision_not_found_and_writes_nothing()
    {
        // Arrange
        var other = await GivenSessionAsync(UserA);
        var foreignRevision = await Store.AppendRevisionAsync(other.Id, RevisionSource.Initial, Ir());
        var session = await GivenSessionAsync(UserA);
        var before = await StateAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<SessionRevisionNotFoundException>(() => Store.ResolveHoleAsync(
            session.Id, "hole_y", HoleType.Entity, ResolutionMethod.Default, Json("null"), new HoleResolutionDetails { IrRevisionId = foreignRevision.Id }));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ex!.RevisionId, Is.EqualTo(foreignRevision.Id));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task RollbackToRevision_earlier_revision_appends_new_revision_with_its_ir()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var firstIr = Json("""{"signature":{"name":"f","returns":"int"},"effects":[]}""");
        var lastIr = Json("""{"signature":{"name":"g","returns":"int"},"assertions":["x > 0"]}""");
        var first = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, firstIr);
        await Store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, Ir());
        await Store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, lastIr);

        // Act
        var rollback = await Store.RollbackToRevisionAsync(session.Id, 1);

        // Assert
        var history = await HistoryAsync(session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(rollback.RevisionNumber, Is.EqualTo(4));
            Assert.That(rollback.Id, Is.Not.EqualTo(first.Id));
            Assert.That(rollback.Source, Is.EqualTo(RevisionSource.Repair));
            Assert.That(rollback.IrContent, IsJson(firstIr));
            Assert.That(rollback.ChangedFields, Is.EqualTo(IrDiff.ChangedFields(lastIr, firstIr)));
            Assert.That(rollback.ChangeSummary, Is.EqualTo("Rolled back to revision 1."));
            Assert.That(rollback.Metadata!.Value.GetProperty("rolled_back_to_revision").GetInt32(), Is.EqualTo(1));
            Assert.That(rollback.Metadata!.Value.GetProperty("rolled_back_to_revision_id").GetGuid(), Is.EqualTo(first.Id));
            Assert.That(history.Session.CurrentIr, IsJson(firstIr));
            Assert.That(history.Session.RevisionCount, Is.EqualTo(4));
            Assert.That(history.Revisions.Select(r => r.RevisionNumber), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        });
    }

    [Test]
    public async Task RollbackToRevision_always_leaves_earlier_revisions_as_they_were()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        foreach (var _ in Enumerable.Range(0, 3))
        {
            await Store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, Ir());
        }

        var before = (await HistoryAsync(session.Id)).Revisions;

        // Act
        await Store.RollbackToRevisionAsync(session.Id, 2);

        // Assert
        var after = (await HistoryAsync(session.Id)).Revisions.Take(3).ToList();
        Assert.Multiple(() =>
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.That(after[i].Id, Is.EqualTo(before[i].Id));
                Assert.That(after[i].RevisionNumber, Is.EqualTo(before[i].RevisionNumber));
                Assert.That(after[i].Source, Is.EqualTo(before[i].Source));
                Assert.That(after[i].IrContent, IsJson(before[i].IrContent));
                Assert.That(after[i].ChangedFields, Is.EqualTo(before[i].ChangedFields));
                Assert.That(after[i].CreatedAt, Is.EqualTo(before[i].CreatedAt));
            }
        });
    }

    [Test]
    public async Task RollbackToRevision_missing_number_throws_revision_not_found_and_writes_nothing()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir());
        var before = await StateAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<SessionRevisionNotFoundException>(() => Store.RollbackToRevisionAsync(session.Id, 2));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((ex!.SessionId, ex.RevisionNumber), Is.EqualTo((session.Id, (int?)2)));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Delete_session_with_history_removes_it_and_every_child()
    {
        // Arrange
        var kept = await GivenSessionWithHistoryAsync(UserA);
        var doomed = await GivenSessionWithHistoryAsync(UserA);
        await Store.AppendRevisionAsync(doomed.Id, RevisionSource.Refinement, Ir());
        await Store.ResolveHoleAsync(doomed.Id, "hole_second", HoleType.Constraint, ResolutionMethod.Inference, Json("true"));
        var before = await CountStoredRowsAsync();

        // Act
        await Store.DeleteAsync(doomed.Id);

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Store.GetAsync(doomed.Id), Is.Null);
            Assert.That(await Store.GetTimelineAsync(doomed.Id), Is.Empty);
            Assert.That(await CountStoredRowsAsync(), Is.EqualTo(new StoredRowCounts(
                before.Sessions - 1, before.Revisions - 2, before.Drafts - 1, before.HoleResolutions - 2)));
            Assert.That((await Store.GetHistoryAsync(kept.Id))?.Revisions, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Delete_twice_throws_not_found_the_second_time()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        await Store.DeleteAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<SessionNotFoundException>(() => Store.DeleteAsync(session.Id));

        // Assert
        Assert.That(ex!.SessionId, Is.EqualTo(session.Id));
    }

    [Test]
    public async Task GetTimeline_after_activity_lists_every_event_in_order_with_ids()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        Time.Advance(TimeSpan.FromSeconds(1));
        var revision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Json("""{"a":1}"""));
        Time.Advance(TimeSpan.FromSeconds(1));
        var draft = await Store.AddDraftAsync(session.Id, DraftSource.InitialGeneration, Code(), new SessionDraftDetails { IrRevisionId = revision.Id });
        Time.Advance(TimeSpan.FromSeconds(1));
        var hole = await Store.ResolveHoleAsync(
            session.Id, "hole_t", HoleType.Type, ResolutionMethod.Default, Json("\"int\""), new HoleResolutionDetails { IrRevisionId = revision.Id, ConfidenceScore = 0.5m });
        Time.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, Json("""{"a":2}"""));

        // Act
        var timeline = await Store.GetTimelineAsync(session.Id);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(timeline.Select(e => e.Kind), Is.EqualTo(new[]
            {
                SessionActivityKind.SessionCreated, SessionActivityKind.RevisionCreated, SessionActivityKind.DraftCreated,
                SessionActivityKind.HoleResolved, SessionActivityKind.RevisionCreated,
            }));
            Assert.That(timeline.Select(e => (e.SessionId, e.UserId)), Is.All.EqualTo((session.Id, UserA)));
            Assert.That(timeline.Select(e => e.EventTime), Is.Ordered);
            Assert.That(timeline[0].EventTime, Is.EqualTo(session.CreatedAt));
            Assert.That((timeline[1].RevisionId, timeline[1].DraftId, timeline[1].ResolutionId), Is.EqualTo(((Guid?)revision.Id, (Guid?)null, (Guid?)null)));
            Assert.That((timeline[2].RevisionId, timeline[2].DraftId), Is.EqualTo(((Guid?)revision.Id, (Guid?)draft.Id)));
            Assert.That((timeline[3].RevisionId, timeline[3].ResolutionId), Is.EqualTo(((Guid?)revision.Id, (Guid?)hole.Id)));
            Assert.That(timeline[4].RevisionId, Is.EqualTo(second.Id));
            Assert.That(timeline[1].EventTime, Is.EqualTo(revision.CreatedAt));
            Assert.That(timeline[2].EventTime, Is.EqualTo(draft.CreatedAt));
            Assert.That(timeline[3].EventTime, Is.EqualTo(hole.CreatedAt));
        });
    }

    [Test]
    public async Task GetTimeline_event_data_describes_each_event()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Json("""{"a":1,"b":2}"""));
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.AddDraftAsync(session.Id, DraftSource.InitialGeneration, Code(), new SessionDraftDetails { SyntaxValid = true, AstValid = true });
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.ResolveHoleAsync(session.Id, "hole_d", HoleType.Validation, ResolutionMethod.Inference, Json("1"), new HoleResolutionDetails { ConfidenceScore = 0.25m });

        // Act
        var timeline = await Store.GetTimelineAsync(session.Id);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(timeline[0].EventData, IsJson(Json("""{"source":"prompt"}""")));
            Assert.That(timeline[1].EventData, IsJson(Json("""{"revision_number":1,"source":"initial","changed_fields":["a","b"]}""")));
            Assert.That(timeline[2].EventData, IsJson(Json(
                """{"draft_number":1,"source":"initial_generation","language":"python","syntax_valid":true,"ast_valid":true}""")));
            Assert.That(timeline[3].EventData, IsJson(Json(
                """{"hole_id":"hole_d","hole_type":"validation","resolution_method":"inference","confidence_score":0.25}""")));
        });
    }

    [Test]
    public async Task GetTimeline_missing_session_is_empty()
    {
        // Arrange
        ActAs(UserA);

        // Act
        IReadOnlyList<SessionActivity> timeline = await Store.GetTimelineAsync(Guid.NewGuid());

        // Assert
        Assert.That(timeline, Is.Empty);
    }
}
