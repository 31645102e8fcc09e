namespace LiftSys.Sessions.TestSupport.Contracts;

public abstract partial class SessionStoreContractTests
{
    [Test]
    public async Task AppendRevision_fifty_concurrent_appends_numbers_one_to_fifty_without_gap_or_duplicate()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var documents = Enumerable.Range(1, 50).Select(i => Json($$$"""{"step":{{{i}}},"signature":{"name":"f{{{i}}}"}}""")).ToList();

        // Act
        var revisions = await RunTogetherAsync(documents.Select(
            ir => (Func<Task<SessionRevision>>)(() => Store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, ir))));

        // Assert
        var history = await HistoryAsync(session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(revisions.Select(r => r.RevisionNumber).Order(), Is.EqualTo(Enumerable.Range(1, 50)));
            Assert.That(history.Revisions.Select(r => r.RevisionNumber), Is.EqualTo(Enumerable.Range(1, 50)));
            Assert.That(history.Revisions.Select(r => r.Id), Is.EquivalentTo(revisions.Select(r => r.Id)));
            Assert.That(history.Session.RevisionCount, Is.EqualTo(50));
            Assert.That(history.Session.CurrentIr, IsJson(history.Revisions[^1].IrContent), "current_ir is the last revision's IR");
        });
    }

    [Test]
    public async Task AppendRevision_concurrent_appends_diff_each_against_the_revision_numbered_before_it()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var documents = Enumerable.Range(1, 20).Select(i => Json($$"""{"only{{i}}":true}""")).ToList();

        // Act
        await RunTogetherAsync(documents.Select(
            ir => (Func<Task<SessionRevision>>)(() => Store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, ir))));

        // Assert
        var revisions = (await HistoryAsync(session.Id)).Revisions;
        Assert.Multiple(() =>
        {
            for (var i = 1; i < revisions.Count; i++)
            {
                Assert.That(revisions[i].ChangedFields, Is.EqualTo(IrDiff.ChangedFields(revisions[i - 1].IrContent, revisions[i].IrContent)));
            }
        });
    }

    [Test]
    public async Task AddDraft_twenty_concurrent_drafts_numbers_one_to_twenty_without_gap_or_duplicate()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var codes = Enumerable.Range(1, 20).Select(_ => Code()).ToList();

        // Act
        var drafts = await RunTogetherAsync(codes.Select(
            code => (Func<Task<SessionDraft>>)(() => Store.AddDraftAsync(session.Id, DraftSource.LlmRegeneration, code))));

        // Assert
        var history = await HistoryAsync(session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(drafts.Select(d => d.DraftNumber).Order(), Is.EqualTo(Enumerable.Range(1, 20)));
            Assert.That(history.Drafts.Select(d => d.DraftNumber), Is.EqualTo(Enumerable.Range(1, 20)));
            Assert.That(history.Session.DraftCount, Is.EqualTo(20));
            Assert.That(history.Session.CurrentCode, Is.EqualTo(history.Drafts[^1].CodeContent), "current_code is the last draft's code");
        });
    }

    [Test]
    public async Task ResolveHole_five_concurrent_resolutions_all_succeed()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var revision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir());

        // Act
        var resolutions = await RunTogetherAsync(Enumerable.Range(0, 5).Select(i => (Func<Task<HoleResolution>>)(() => Store.ResolveHoleAsync(
            session.Id,
            $"hole_{i}",
            HoleType.Parameter,
            ResolutionMethod.UserSelection,
            Json($"\"value_{i}\""),
            new HoleResolutionDetails { IrRevisionId = revision.Id }))));

        // Assert
        var history = await HistoryAsync(session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(resolutions, Has.Length.EqualTo(5));
            Assert.That(history.HoleResolutions.Select(h => h.HoleId), Is.EquivalentTo(Enumerable.Range(0, 5).Select(i => $"hole_{i}")));
            Assert.That(history.Session.HoleCount, Is.EqualTo(5));
        });
    }

    [Test]
    public async Task Update_two_copies_of_one_session_first_wins_and_second_throws_conflict()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var first = (await Store.GetAsync(session.Id))!.Session;
        var second = (await Store.GetAsync(session.Id))!.Session;
        first.MarkFinalized(Time.GetUtcNow());
        second.MarkError();
        var written = await Store.UpdateAsync(first);

        // Act
        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpdateAsync(second));

        // Assert
        var stored = (await Store.GetAsync(session.Id))!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(ex!.SessionId, Is.EqualTo(session.Id));
            Assert.That(ex.ExpectedUpdatedAt, Is.EqualTo(second.UpdatedAt));
            Assert.That(ex.ActualUpdatedAt, Is.Null.Or.EqualTo(written.UpdatedAt));
            Assert.That(stored.Status, Is.EqualTo(SessionStatus.Finalized));
            Assert.That(stored.FinalizedAt, Is.EqualTo(Time.GetUtcNow()));
            Assert.That(stored.UpdatedAt, Is.EqualTo(written.UpdatedAt));
        });
    }

    [Test]
    public async Task Update_fresh_copy_writes_editable_columns_and_advances_the_token()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var copy = (await Store.GetAsync(session.Id))!.Session;
        var ir = Ir();
        copy.Pause();
        copy.ReplaceMetadata(Json("""{"tags":["edited"]}"""));
        copy.SetCurrentIr(ir);
        copy.SetCurrentCode("print(1)\n");

        // Act
        var written = await Store.UpdateAsync(copy);

        // Assert
        var stored = (await Store.GetAsync(session.Id))!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(written.UpdatedAt, Is.GreaterThan(copy.UpdatedAt));
            Assert.That(stored.UpdatedAt, Is.EqualTo(written.UpdatedAt));
            Assert.That(stored.Status, Is.EqualTo(SessionStatus.Paused));
            Assert.That(stored.Metadata, IsJson(Json("""{"tags":["edited"]}""")));
            Assert.That(stored.CurrentIr, IsJson(ir));
            Assert.That(stored.CurrentCode, Is.EqualTo("print(1)\n"));
            Assert.That(stored.CreatedAt, Is.EqualTo(session.CreatedAt));
            Assert.That(stored.OriginalInput, Is.EqualTo(session.OriginalInput));
        });
    }

    [Test]
    public async Task Update_returned_session_can_be_updated_again()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        session.Pause();
        var written = await Store.UpdateAsync(session);
        written.Resume();

        // Act
        var again = await Store.UpdateAsync(written);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(again.Status, Is.EqualTo(SessionStatus.Active));
            Assert.That(again.UpdatedAt, Is.GreaterThan(written.UpdatedAt));
        });
    }

    [Test]
    public async Task Update_copy_read_before_a_revision_was_appended_throws_conflict()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var copy = (await Store.GetAsync(session.Id))!.Session;
        await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir());
        copy.Pause();

        // Act
        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpdateAsync(copy));

        // Assert
        Assert.That(ex!.ExpectedUpdatedAt, Is.EqualTo(copy.UpdatedAt));
    }

    [Test]
    public async Task Update_copy_read_before_a_hole_was_resolved_throws_conflict()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var copy = (await Store.GetAsync(session.Id))!.Session;
        await Store.ResolveHoleAsync(session.Id, "hole_z", HoleType.Other, ResolutionMethod.Default, Json("0"));
        copy.Pause();

        // Act
        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpdateAsync(copy));

        // Assert
        Assert.That(ex!.SessionId, Is.EqualTo(session.Id));
    }

    [Test]
    public async Task Update_ten_concurrent_updates_of_one_version_exactly_one_wins()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var copies = new List<Session>();
        for (var i = 0; i < 10; i++)
        {
            var copy = (await Store.GetAsync(session.Id))!.Session;
            copy.ReplaceMetadata(Json($$"""{"writer":{{i}}}"""));
            copies.Add(copy);
        }

        // Act
        var outcomes = await RunTogetherAsync(copies.Select(copy => (Func<Task<Session?>>)(async () =>
        {
            try
            {
                return await Store.UpdateAsync(copy);
            }
            catch (ConcurrencyConflictException)
            {
                return null;
            }
        })));

        // Assert
        var winners = outcomes.Where(o => o is not null).ToList();
        var stored = (await Store.GetAsync(session.Id))!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(winners, Has.Count.EqualTo(1));
            Assert.That(stored.UpdatedAt, Is.EqualTo(winners[0]!.UpdatedAt));
            Assert.That(stored.Metadata, IsJson(winners[0]!.Metadata!.Value));
        });
    }

    [Test]
    public async Task Update_missing_session_throws_not_found()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        await Store.DeleteAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<SessionNotFoundException>(() => Store.UpdateAsync(session));

        // Assert
        Assert.That(ex!.SessionId, Is.EqualTo(session.Id));
    }

    /// <summary>
    /// Starts every operation on the thread pool and releases them at once, so they contend for the same session
    /// instead of running one after another as they are started.
    /// </summary>
    /// <typeparam name="T">The operations' result.</typeparam>
    /// <param name="operations">The operations.</param>
    /// <returns>Their results, in the order given.</returns>
    protected static async Task<T[]> RunTogetherAsync<T>(IEnumerable<Func<Task<T>>> operations)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = operations.Select(operation => Task.Run(async () =>
        {
            await start.Task;
            return await operation();
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(running);
    }
}
