namespace LiftSys.Sessions.TestSupport.Contracts;

public abstract partial class SessionStoreContractTests
{
    [Test]
    public async Task Finalize_active_session_sets_status_and_finalized_at_from_the_clock()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        Time.Advance(TimeSpan.FromHours(1));

        // Act
        var finalized = await Store.FinalizeAsync(session.Id);

        // Assert
        var stored = (await Store.GetAsync(session.Id))!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(finalized.Status, Is.EqualTo(SessionStatus.Finalized));
            Assert.That(finalized.FinalizedAt, Is.EqualTo(Time.GetUtcNow()));
            Assert.That(stored.Status, Is.EqualTo(SessionStatus.Finalized));
            Assert.That(stored.FinalizedAt, Is.EqualTo(Time.GetUtcNow()));
            Assert.That(stored.UpdatedAt, Is.GreaterThan(session.UpdatedAt));
        });
    }

    [Test]
    public async Task Finalize_clock_with_sub_microsecond_ticks_returns_the_time_that_is_read_back()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromTicks(3));

        // Act
        var finalized = await Store.FinalizeAsync(session.Id);

        // Assert
        var stored = (await Store.GetAsync(session.Id))!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(finalized.FinalizedAt, Is.EqualTo(stored.FinalizedAt));
            Assert.That(finalized.FinalizedAt!.Value.UtcTicks % TimeSpan.TicksPerMicrosecond, Is.Zero, "timestamptz keeps microseconds");
        });
    }

    [Test]
    public async Task Finalize_clock_before_1970_stamps_the_creation_time()
    {
        // Arrange
        var session = await GivenSessionAsync(UserA);
        var saved = Time.GetUtcNow();
        Time.Set(new DateTimeOffset(1960, 1, 1, 0, 0, 0, TimeSpan.Zero));

        // Act
        Session finalized;
        try
        {
            finalized = await Store.FinalizeAsync(session.Id);
        }
        finally
        {
            Time.Set(saved);
        }

        // Assert: never before the session began, and never a time PostgreSQL's views cannot subtract.
        var stored = (await Store.GetAsync(session.Id))!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(finalized.FinalizedAt, Is.EqualTo(stored.CreatedAt));
            Assert.That(stored.FinalizedAt, Is.EqualTo(stored.CreatedAt));
            Assert.That(stored.Status, Is.EqualTo(SessionStatus.Finalized));
        });
    }

    [TestCase(SessionStatus.Active, SessionTransition.Pause, SessionStatus.Paused)]
    [TestCase(SessionStatus.Paused, SessionTransition.Resume, SessionStatus.Active)]
    [TestCase(SessionStatus.Paused, SessionTransition.Finalize, SessionStatus.Finalized)]
    [TestCase(SessionStatus.Active, SessionTransition.MarkError, SessionStatus.Error)]
    [TestCase(SessionStatus.Paused, SessionTransition.MarkError, SessionStatus.Error)]
    public async Task Transition_allowed_moves_the_stored_session(SessionStatus from, SessionTransition transition, SessionStatus expected)
    {
        // Arrange
        var session = await GivenSessionInStatusAsync(UserA, from);

        // Act
        var returned = await RunAsync(transition, session.Id);

        // Assert
        var stored = (await Store.GetAsync(session.Id))!.Session;
        Assert.Multiple(() =>
        {
            Assert.That(returned.Status, Is.EqualTo(expected));
            Assert.That(stored.Status, Is.EqualTo(expected));
            Assert.That(stored.UpdatedAt, Is.EqualTo(returned.UpdatedAt));
        });
    }

    [TestCase(SessionStatus.Active, SessionTransition.Resume)]
    [TestCase(SessionStatus.Paused, SessionTransition.Pause)]
    [TestCase(SessionStatus.Error, SessionTransition.Pause)]
    [TestCase(SessionStatus.Error, SessionTransition.Resume)]
    [TestCase(SessionStatus.Error, SessionTransition.Finalize)]
    [TestCase(SessionStatus.Error, SessionTransition.MarkError)]
    [TestCase(SessionStatus.Finalized, SessionTransition.Pause)]
    [TestCase(SessionStatus.Finalized, SessionTransition.Resume)]
    [TestCase(SessionStatus.Finalized, SessionTransition.Finalize)]
    [TestCase(SessionStatus.Finalized, SessionTransition.MarkError)]
    public async Task Transition_not_allowed_throws_status_transition_and_writes_nothing(SessionStatus from, SessionTransition transition)
    {
        // Arrange
        var session = await GivenSessionInStatusAsync(UserA, from);
        var before = await StateAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<SessionValidationException>(() => RunAsync(transition, session.Id));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("status", ValidationRule.StatusTransition)));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [TestCaseSource(nameof(HistoryWrites))]
    public async Task HistoryWrite_finalized_session_throws_status_transition_and_writes_nothing(StoreOperation write)
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        await Store.FinalizeAsync(session.Id);
        var before = await StateAsync(session.Id);

        // Act
        var ex = await Assert.ThrowsAsync<SessionValidationException>(() => write.Run(Store, session));

        // Assert
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("status", ValidationRule.StatusTransition)));
            Assert.That(await StateAsync(session.Id), Is.EqualTo(before));
        });
    }

    [TestCaseSource(nameof(HistoryWrites))]
    public async Task HistoryWrite_paused_session_is_recorded(StoreOperation write)
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        await Store.PauseAsync(session.Id);
        var before = await CountStoredRowsAsync();

        // Act
        await write.Run(Store, session);

        // Assert
        var after = await CountStoredRowsAsync();
        Assert.That(after.Revisions + after.Drafts + after.HoleResolutions, Is.EqualTo(before.Revisions + before.Drafts + before.HoleResolutions + 1));
    }

    [Test]
    public async Task Delete_finalized_session_deletes_it()
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);
        await Store.FinalizeAsync(session.Id);

        // Act
        await Store.DeleteAsync(session.Id);

        // Assert
        Assert.That(await Store.GetAsync(session.Id), Is.Null);
    }

    /// <summary>The writes that add to a session's history.</summary>
    /// <returns>The operations, named.</returns>
    public static IEnumerable<StoreOperation> HistoryWrites() =>
        Writes().Where(write => write.Name is "AppendRevision" or "AddDraft" or "ResolveHole" or "RollbackToRevision");

    /// <summary>Creates a session of <paramref name="owner"/> and moves it to <paramref name="status"/>.</summary>
    /// <param name="owner">The owner, who stays the acting user.</param>
    /// <param name="status">The status to reach.</param>
    /// <returns>The session as stored.</returns>
    protected async Task<Session> GivenSessionInStatusAsync(Guid owner, SessionStatus status)
    {
        var session = await GivenSessionAsync(owner);
        return status switch
        {
            SessionStatus.Active => session,
            SessionStatus.Paused => await Store.PauseAsync(session.Id),
            SessionStatus.Finalized => await Store.FinalizeAsync(session.Id),
            SessionStatus.Error => await Store.MarkErrorAsync(session.Id),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
        };
    }

    private Task<Session> RunAsync(SessionTransition transition, Guid sessionId) => transition switch
    {
        SessionTransition.Pause => Store.PauseAsync(sessionId),
        SessionTransition.Resume => Store.ResumeAsync(sessionId),
        SessionTransition.Finalize => Store.FinalizeAsync(sessionId),
        SessionTransition.MarkError => Store.MarkErrorAsync(sessionId),
        _ => throw new ArgumentOutOfRangeException(nameof(transition), transition, null),
    };
}
