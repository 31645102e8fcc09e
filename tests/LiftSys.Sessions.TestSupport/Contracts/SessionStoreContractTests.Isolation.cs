using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.TestSupport.Contracts;

public abstract partial class SessionStoreContractTests
{
    [TestCaseSource(nameof(Writes))]
    public async Task Write_other_users_session_throws_not_found_and_changes_nothing(StoreOperation write)
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        var before = await StateAsync(session.Id);
        ActAs(UserB);

        // Act
        var ex = await Assert.ThrowsAsync<SessionNotFoundException>(() => write.Run(Store, session));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ex!.SessionId, Is.EqualTo(session.Id));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [TestCaseSource(nameof(Writes))]
    public async Task Write_other_users_session_fails_exactly_like_a_missing_session(StoreOperation write)
    {
        // Arrange
        var theirs = await GivenSessionWithHistoryAsync(UserA);
        var missing = await GivenSessionWithHistoryAsync(UserB);
        await Store.DeleteAsync(missing.Id);

        // Act
        var invisible = await Assert.ThrowsAsync<SessionNotFoundException>(() => write.Run(Store, theirs));
        var gone = await Assert.ThrowsAsync<SessionNotFoundException>(() => write.Run(Store, missing));

        // Assert
        Assert.That(
            invisible!.Message.Replace(theirs.Id.ToString(), "<id>", StringComparison.OrdinalIgnoreCase),
            Is.EqualTo(gone!.Message.Replace(missing.Id.ToString(), "<id>", StringComparison.OrdinalIgnoreCase)));
    }

    [TestCaseSource(nameof(Writes))]
    public async Task Write_anonymous_throws_access_denied_and_changes_nothing(StoreOperation write)
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        var before = await StateAsync(session.Id);
        ActAsAnonymous();

        // Act
        var ex = await Assert.ThrowsAsync<SessionAccessDeniedException>(() => write.Run(Store, session));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ex!.ActorKind, Is.EqualTo(SessionActorKind.Anonymous));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [TestCaseSource(nameof(WritesValidOnAnActiveSession))]
    public async Task Write_service_role_changes_any_users_session(StoreOperation write)
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        var before = await StateAsync(session.Id);
        ActAsServiceRole();

        // Act
        await write.Run(Store, session);

        // Assert
        Assert.That(await StateAsync(session.Id), Is.Not.EqualTo(before));
    }

    [Test]
    public async Task Get_other_users_session_returns_null()
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        ActAs(UserB);

        // Act
        var read = await Store.GetAsync(session.Id);

        // Assert
        Assert.That(read, Is.Null);
    }

    [Test]
    public async Task GetHistory_other_users_session_returns_null()
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        ActAs(UserB);

        // Act
        var history = await Store.GetHistoryAsync(session.Id);

        // Assert
        Assert.That(history, Is.Null);
    }

    [Test]
    public async Task GetTimeline_other_users_session_is_empty()
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        ActAs(UserB);

        // Act
        var timeline = await Store.GetTimelineAsync(session.Id);

        // Assert
        Assert.That(timeline, Is.Empty);
    }

    [Test]
    public async Task ListActive_two_users_each_sees_only_their_own()
    {
        // Arrange
        var mine = await GivenSessionAsync(UserA);
        var theirs = await GivenSessionAsync(UserB);

        // Act
        ActAs(UserA);
        var pageOfA = await Store.ListActiveAsync(PageRequest.First());
        ActAs(UserB);
        var pageOfB = await Store.ListActiveAsync(PageRequest.First());

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(pageOfA.Items.Select(s => s.Id), Is.EqualTo(new[] { mine.Id }));
            Assert.That(pageOfB.Items.Select(s => s.Id), Is.EqualTo(new[] { theirs.Id }));
        });
    }

    [Test]
    public async Task ListByStatus_other_users_paused_session_is_not_listed()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        await Store.PauseAsync(session.Id);
        ActAs(UserB);

        // Act
        var page = await Store.ListByStatusAsync(SessionStatus.Paused, PageRequest.First());

        // Assert
        Assert.That(page.Items, Is.Empty);
    }

    [TestCase(SessionSearchTarget.CurrentIr)]
    [TestCase(SessionSearchTarget.Metadata)]
    public async Task Search_other_users_matching_session_finds_nothing(SessionSearchTarget target)
    {
        // Arrange
        ActAs(UserA);
        var session = await Store.CreateFromPromptAsync(Prompt(), new CreateSessionOptions { Metadata = Json("""{"project":"apollo"}""") });
        await Store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Json("""{"project":"apollo"}"""));
        ActAs(UserB);

        // Act
        var page = await Store.SearchAsync(target, Json("""{"project":"apollo"}"""), PageRequest.First());

        // Assert
        Assert.That(page.Items, Is.Empty);
    }

    [Test]
    public async Task Reads_anonymous_see_nothing()
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        ActAsAnonymous();

        // Act
        var read = await Store.GetAsync(session.Id);
        var history = await Store.GetHistoryAsync(session.Id);
        var timeline = await Store.GetTimelineAsync(session.Id);
        var active = await Store.ListActiveAsync(PageRequest.First());
        var byStatus = await Store.ListByStatusAsync(SessionStatus.Active, PageRequest.First());
        var found = await Store.SearchAsync(SessionSearchTarget.Metadata, Json("{}"), PageRequest.First());

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(read, Is.Null);
            Assert.That(history, Is.Null);
            Assert.That(timeline, Is.Empty);
            Assert.That(active.Items, Is.Empty);
            Assert.That(active.HasMore, Is.False);
            Assert.That(byStatus.Items, Is.Empty);
            Assert.That(found.Items, Is.Empty);
        });
    }

    [Test]
    public async Task Reads_service_role_see_every_users_sessions()
    {
        // Arrange
        var ofA = await GivenSessionWithHistoryAsync(UserA);
        var ofB = await GivenSessionWithHistoryAsync(UserB);
        ActAsServiceRole();

        // Act
        var readA = await Store.GetAsync(ofA.Id);
        var historyB = await Store.GetHistoryAsync(ofB.Id);
        var timelineA = await Store.GetTimelineAsync(ofA.Id);
        var active = await Store.ListActiveAsync(PageRequest.First());
        var found = await Store.SearchAsync(SessionSearchTarget.Metadata, Json("{}"), PageRequest.First());

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(readA?.Session.UserId, Is.EqualTo(UserA));
            Assert.That(historyB?.Session.UserId, Is.EqualTo(UserB));
            Assert.That(timelineA, Is.Not.Empty);
            Assert.That(active.Items.Select(s => s.Id), Is.EquivalentTo(new[] { ofA.Id, ofB.Id }));
            Assert.That(found.Items.Select(s => s.Id), Is.EquivalentTo(new[] { ofA.Id, ofB.Id }));
        });
    }

    [Test]
    public async Task Get_service_role_scope_over_anonymous_accessor_scope_wins()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        ActAsAnonymous();

        // Act
        SessionSnapshot? read;
        using (SessionActorScope.BeginServiceRole("contract test: a scope takes precedence over the accessor"))
        {
            read = await Store.GetAsync(session.Id);
        }

        // Assert
        Assert.That(read?.Session.Id, Is.EqualTo(session.Id));
    }

    [Test]
    public async Task Get_user_scope_over_owners_accessor_scope_wins()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);

        // Act
        SessionSnapshot? read;
        using (SessionActorScope.Begin(SessionActor.ForUser(UserB), "contract test: a scope takes precedence over the accessor"))
        {
            read = await Store.GetAsync(session.Id);
        }

        // Assert
        Assert.That(read, Is.Null);
    }
}
