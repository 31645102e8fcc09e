using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.TestSupport.Contracts;

public abstract partial class SessionStoreContractTests
{
    [Test]
    public async Task CreateFromPrompt_signed_in_user_round_trips_through_get()
    {
        // Arrange
        ActAs(UserA);
        var prompt = Prompt();
        var metadata = Json("""{"client":"web","tags":["demo"]}""");

        // Act
        var created = await Store.CreateFromPromptAsync(prompt, new CreateSessionOptions { Metadata = metadata });
        var read = await Store.GetAsync(created.Id);

        // Assert
        Assert.That(read, Is.Not.Null);
        var session = read!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(session.Id, Is.EqualTo(created.Id));
            Assert.That(session.UserId, Is.EqualTo(UserA));
            Assert.That(session.Source, Is.EqualTo(SessionSource.Prompt));
            Assert.That(session.Status, Is.EqualTo(SessionStatus.Active));
            Assert.That(session.OriginalInput, Is.EqualTo(prompt));
            Assert.That(session.Metadata, IsJson(metadata));
            Assert.That(session.CurrentIr, Is.Null);
            Assert.That(session.CurrentCode, Is.Null);
            Assert.That((session.RevisionCount, session.DraftCount, session.HoleCount), Is.EqualTo((0, 0, 0)));
            Assert.That(session.FinalizedAt, Is.Null);
            Assert.That(session.CreatedAt, Is.Not.EqualTo(default(DateTimeOffset)));
            Assert.That(session.UpdatedAt, Is.EqualTo(session.CreatedAt));
            Assert.That(session.UpdatedAt, Is.EqualTo(created.UpdatedAt));
            Assert.That(read.LatestRevision, Is.Null);
            Assert.That(read.LatestDraft, Is.Null);
        });
    }

    [Test]
    public async Task CreateFromPrompt_no_metadata_stores_empty_object()
    {
        // Arrange
        ActAs(UserA);

        // Act
        var created = await Store.CreateFromPromptAsync(Prompt());

        // Assert
        var read = await Store.GetAsync(created.Id);
        Assert.That(read!.Session.Metadata, IsJson(Json("{}")));
    }

    [Test]
    public async Task CreateFromCode_signed_in_user_starts_reverse_mode_session()
    {
        // Arrange
        ActAs(UserA);
        var code = Code();

        // Act
        var created = await Store.CreateFromCodeAsync(code);

        // Assert
        var session = (await Store.GetAsync(created.Id))!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(session.Source, Is.EqualTo(SessionSource.Code));
            Assert.That(session.OriginalInput, Is.EqualTo(code));
            Assert.That(session.UserId, Is.EqualTo(UserA));
            Assert.That(session.Status, Is.EqualTo(SessionStatus.Active));
        });
    }

    [Test]
    public async Task CreateFromCode_then_revision_and_draft_follows_reverse_mode_lifecycle()
    {
        // Arrange
        ActAs(UserA);
        var code = Code();
        var recoveredIr = Ir();

        // Act
        var session = await Store.CreateFromCodeAsync(code);
        var revision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, recoveredIr);
        var draft = await Store.AddDraftAsync(session.Id, DraftSource.InitialGeneration, code, new SessionDraftDetails { IrRevisionId = revision.Id });
        var finalized = await Store.FinalizeAsync(session.Id);

        // Assert
        var read = (await Store.GetAsync(session.Id))!;
        Assert.Multiple(() =>
        {
            Assert.That(read.Session.CurrentIr, IsJson(recoveredIr));
            Assert.That(read.Session.CurrentCode, Is.EqualTo(code));
            Assert.That(read.LatestRevision!.Id, Is.EqualTo(revision.Id));
            Assert.That(read.LatestDraft!.Id, Is.EqualTo(draft.Id));
            Assert.That(read.LatestDraft.IrRevisionId, Is.EqualTo(revision.Id));
            Assert.That(finalized.Status, Is.EqualTo(SessionStatus.Finalized));
        });
    }

    [Test]
    public async Task CreateFromPrompt_user_naming_themselves_succeeds()
    {
        // Arrange
        ActAs(UserA);

        // Act
        var created = await Store.CreateFromPromptAsync(Prompt(), new CreateSessionOptions { OwnerId = UserA });

        // Assert
        Assert.That(created.UserId, Is.EqualTo(UserA));
    }

    [Test]
    public async Task CreateFromPrompt_user_naming_another_owner_throws_access_denied_and_writes_nothing()
    {
        // Arrange
        ActAs(UserA);
        var before = await CountStoredRowsAsync();

        // Act
        var ex = await Assert.ThrowsAsync<SessionAccessDeniedException>(
            () => Store.CreateFromPromptAsync(Prompt(), new CreateSessionOptions { OwnerId = UserB }));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ex!.ActorKind, Is.EqualTo(SessionActorKind.User));
            Assert.That(await CountStoredRowsAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task CreateFromPrompt_service_role_naming_owner_creates_session_the_owner_sees()
    {
        // Arrange
        ActAsServiceRole();

        // Act
        var created = await Store.CreateFromPromptAsync(Prompt(), new CreateSessionOptions { OwnerId = UserA });

        // Assert
        ActAs(UserA);
        var read = await Store.GetAsync(created.Id);
        Assert.Multiple(() =>
        {
            Assert.That(created.UserId, Is.EqualTo(UserA));
            Assert.That(read?.Session.UserId, Is.EqualTo(UserA));
        });
    }

    [Test]
    public async Task CreateFromCode_service_role_without_owner_throws_required_user_id_and_writes_nothing()
    {
        // Arrange
        ActAsServiceRole();
        var before = await CountStoredRowsAsync();

        // Act
        var ex = await Assert.ThrowsAsync<SessionValidationException>(() => Store.CreateFromCodeAsync(Code()));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("user_id", ValidationRule.Required)));
            Assert.That(await CountStoredRowsAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task CreateFromPrompt_service_role_naming_empty_owner_throws_required_user_id()
    {
        // Arrange
        ActAsServiceRole();

        // Act
        var ex = await Assert.ThrowsAsync<SessionValidationException>(
            () => Store.CreateFromPromptAsync(Prompt(), new CreateSessionOptions { OwnerId = Guid.Empty }));

        // Assert
        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("user_id", ValidationRule.Required)));
    }

    [Test]
    public async Task CreateFromPrompt_anonymous_throws_access_denied_and_writes_nothing()
    {
        // Arrange
        ActAsAnonymous();
        var before = await CountStoredRowsAsync();

        // Act
        var ex = await Assert.ThrowsAsync<SessionAccessDeniedException>(() => Store.CreateFromPromptAsync(Prompt()));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ex!.ActorKind, Is.EqualTo(SessionActorKind.Anonymous));
            Assert.That(await CountStoredRowsAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task CreateFromPrompt_twice_gives_distinct_sessions()
    {
        // Arrange
        ActAs(UserA);

        // Act
        var first = await Store.CreateFromPromptAsync(Prompt());
        var second = await Store.CreateFromPromptAsync(Prompt());

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(second.Id, Is.Not.EqualTo(first.Id));
            Assert.That((await CountStoredRowsAsync()).Sessions, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Get_missing_session_returns_null()
    {
        // Arrange
        ActAs(UserA);

        // Act
        var read = await Store.GetAsync(Guid.NewGuid());

        // Assert
        Assert.That(read, Is.Null);
    }

    [Test]
    public async Task Get_after_several_revisions_and_drafts_returns_the_latest_of_each()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir());
        var lastIr = Ir();
        var lastRevision = await Store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, lastIr);
        await Store.AddDraftAsync(session.Id, DraftSource.InitialGeneration, Code());
        var lastCode = Code();
        var lastDraft = await Store.AddDraftAsync(session.Id, DraftSource.AstRepair, lastCode);

        // Act
        var read = await Store.GetAsync(session.Id);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(read!.LatestRevision!.Id, Is.EqualTo(lastRevision.Id));
            Assert.That(read.LatestRevision.RevisionNumber, Is.EqualTo(2));
            Assert.That(read.LatestRevision.IrContent, IsJson(lastIr));
            Assert.That(read.LatestDraft!.Id, Is.EqualTo(lastDraft.Id));
            Assert.That(read.LatestDraft.DraftNumber, Is.EqualTo(2));
            Assert.That(read.Session.CurrentIr, IsJson(lastIr));
            Assert.That(read.Session.CurrentCode, Is.EqualTo(lastCode));
        });
    }

    [Test]
    public async Task Get_changing_the_returned_session_changes_nothing_stored()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var copy = (await Store.GetAsync(session.Id))!.Session;
        var before = await StateAsync(session.Id);

        // Act
        copy.Pause();
        copy.ReplaceMetadata(Json("""{"changed":true}"""));
        copy.SetCurrentIr(Ir());
        session.MarkError();

        // Assert
        Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
    }

    [Test]
    public async Task GetHistory_revisions_returned_cannot_be_changed_through_their_lists()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Json("""{"a":1,"b":2}"""));
        var history = await Store.GetHistoryAsync(session.Id);

        // Act
        if (history!.Revisions[0].ChangedFields is string[] fields)
        {
            fields[0] = "tampered";
        }

        // Assert
        var reread = await Store.GetHistoryAsync(session.Id);
        Assert.That(reread!.Revisions[0].ChangedFields, Is.EqualTo(new[] { "a", "b" }));
    }
}
