using LiftSys.Sessions.InMemory;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport.Contracts;

namespace LiftSys.Sessions.Tests.InMemory;

/// <summary>What the in-memory store does beyond the shared contract.</summary>
public sealed class InMemorySessionStoreTests
{
    private static readonly Guid User = Guid.Parse("c0c0c0c0-0000-4000-8000-00000000000c");
    private static readonly Guid OtherUser = Guid.Parse("c0c0c0c0-0000-4000-8000-00000000000d");

    [Test]
    public void Constructor_null_accessor_throws_argument_null()
    {
        // Arrange
        ISessionActorAccessor actors = null!;

        // Act
        void Create() => _ = new InMemorySessionStore(actors);

        // Assert
        Assert.That(Create, Throws.ArgumentNullException);
    }

    [Test]
    public void Constructor_null_time_provider_throws_argument_null()
    {
        // Arrange
        TimeProvider time = null!;

        // Act
        void Create() => _ = new InMemorySessionStore(new MutableSessionActorAccessor(), time);

        // Assert
        Assert.That(Create, Throws.ArgumentNullException);
    }

    [Test]
    public void CreateFromPrompt_invalid_input_faults_the_task_instead_of_throwing()
    {
        // Arrange
        var store = new InMemorySessionStore(ActorsFor(User));

        // Act
        var task = store.CreateFromPromptAsync("");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(task.IsFaulted, Is.True);
            Assert.That(task.Exception!.InnerException, Is.TypeOf<SessionValidationException>());
        });
    }

    [Test]
    public async Task CreateFromPrompt_cancelled_token_writes_nothing()
    {
        // Arrange
        var store = new InMemorySessionStore(ActorsFor(User));
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        // Act
        var task = store.CreateFromPromptAsync("a prompt", cancellationToken: cancellation.Token);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(task.IsCanceled, Is.True);
            Assert.That(store.CountRows(), Is.EqualTo((0, 0, 0, 0)));
        });
    }

    [Test]
    public async Task Timestamps_clock_standing_still_still_advance_one_microsecond_per_write()
    {
        // Arrange
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new InMemorySessionStore(ActorsFor(User), time);
        var session = await store.CreateFromPromptAsync("a prompt");

        // Act
        var revision = await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Json.Parse("{}"));
        var paused = await store.PauseAsync(session.Id);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(session.CreatedAt, Is.EqualTo(time.GetUtcNow()));
            Assert.That(revision.CreatedAt, Is.EqualTo(time.GetUtcNow().AddTicks(TimeSpan.TicksPerMicrosecond)));
            Assert.That(paused.UpdatedAt, Is.EqualTo(time.GetUtcNow().AddTicks(2 * TimeSpan.TicksPerMicrosecond)));
        });
    }

    [Test]
    public async Task Timestamps_clock_with_sub_microsecond_ticks_are_truncated_to_microseconds_like_timestamptz()
    {
        // Arrange
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(12_345_679));
        var store = new InMemorySessionStore(ActorsFor(User), time);

        // Act
        var session = await store.CreateFromPromptAsync("a prompt");

        // Assert
        Assert.That(session.CreatedAt.UtcTicks % TimeSpan.TicksPerMicrosecond, Is.Zero);
    }

    [Test]
    public async Task Finalize_clock_behind_the_stores_last_stamp_never_finalizes_before_creation()
    {
        // Arrange
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new InMemorySessionStore(ActorsFor(User), time);
        await store.CreateFromPromptAsync("first");
        var second = await store.CreateFromPromptAsync("second");

        // Act
        var finalized = await store.FinalizeAsync(second.Id);

        // Assert
        Assert.That(finalized.FinalizedAt, Is.EqualTo(second.CreatedAt));
    }

    [Test]
    public async Task Update_callers_session_afterwards_is_not_kept_by_the_store()
    {
        // Arrange
        var store = new InMemorySessionStore(ActorsFor(User));
        var session = await store.CreateFromPromptAsync("a prompt");
        session.ReplaceMetadata(Json.Parse("""{"v":1}"""));
        await store.UpdateAsync(session);

        // Act
        session.ReplaceMetadata(Json.Parse("""{"v":2}"""));

        // Assert
        var stored = (await store.GetAsync(session.Id))!.Session;
        Assert.That(stored.Metadata!.Value.GetProperty("v").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Counters_after_mixed_concurrent_writes_equal_the_children_kept()
    {
        // Arrange
        var store = new InMemorySessionStore(ActorsFor(User));
        var session = await store.CreateFromPromptAsync("a prompt");
        var ir = Json.Parse("""{"a":1}""");

        // Act
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => (i % 3) switch
        {
            0 => (Task)store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, ir),
            1 => store.AddDraftAsync(session.Id, DraftSource.UserEdit, $"x = {i}"),
            _ => store.ResolveHoleAsync(session.Id, $"hole_{i}", HoleType.Other, ResolutionMethod.Default, ir),
        })));

        // Assert
        var history = (await store.GetHistoryAsync(session.Id))!;
        Assert.Multiple(() =>
        {
            Assert.That(
                (history.Session.RevisionCount, history.Session.DraftCount, history.Session.HoleCount),
                Is.EqualTo((history.Revisions.Count, history.Drafts.Count, history.HoleResolutions.Count)));
            Assert.That(store.CountRows(), Is.EqualTo((1, 10, 10, 10)));
        });
    }

    [Test]
    public async Task AppendRevision_thousands_of_contending_appends_number_without_gap_or_duplicate()
    {
        // Arrange
        var store = new InMemorySessionStore(ActorsFor(User));
        var session = await store.CreateFromPromptAsync("a prompt");
        var ir = Json.Parse("""{"a":1}""");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var appends = Enumerable.Range(0, 2_000).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await store.AppendRevisionAsync(session.Id, RevisionSource.Refinement, ir);
        })).ToList();

        // Act
        start.SetResult();
        var revisions = await Task.WhenAll(appends);

        // Assert
        var history = (await store.GetHistoryAsync(session.Id))!;
        Assert.Multiple(() =>
        {
            Assert.That(revisions.Select(r => r.RevisionNumber).Order(), Is.EqualTo(Enumerable.Range(1, 2_000)));
            Assert.That(history.Revisions.Select(r => r.RevisionNumber), Is.EqualTo(Enumerable.Range(1, 2_000)));
            Assert.That(history.Session.RevisionCount, Is.EqualTo(2_000));
        });
    }

    [Test]
    public async Task CreateFromPrompt_accessor_answering_null_is_refused_as_anonymous_and_writes_nothing()
    {
        // Arrange
        var store = new InMemorySessionStore(new NullAnsweringAccessor());

        // Act
        var exception = await Assert.ThrowsAsync<SessionAccessDeniedException>(() => store.CreateFromPromptAsync("a prompt"));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(exception!.ActorKind, Is.EqualTo(SessionActorKind.Anonymous));
            Assert.That(store.CountRows(), Is.EqualTo((0, 0, 0, 0)));
        });
    }

    [Test]
    public async Task SessionCount_counts_the_sessions_of_every_owner()
    {
        // Arrange
        var actors = ActorsFor(User);
        var store = new InMemorySessionStore(actors);
        await store.CreateFromPromptAsync("mine");
        actors.Current = SessionActor.ForUser(OtherUser);
        await store.CreateFromPromptAsync("theirs");

        // Act
        var count = store.SessionCount;

        // Assert
        Assert.That(count, Is.EqualTo(2));
    }

    [Test]
    public async Task Holds_session_of_another_owner_is_true_and_unknown_id_is_false()
    {
        // Arrange
        var actors = ActorsFor(OtherUser);
        var store = new InMemorySessionStore(actors);
        var theirs = await store.CreateFromPromptAsync("theirs");
        actors.Current = SessionActor.ForUser(User);

        // Act
        var held = (store.Holds(theirs.Id), store.Holds(Guid.NewGuid()));

        // Assert
        Assert.That(held, Is.EqualTo((true, false)));
    }

    [Test]
    public async Task SessionIds_lists_the_sessions_of_every_owner()
    {
        // Arrange
        var actors = ActorsFor(User);
        var store = new InMemorySessionStore(actors);
        var mine = await store.CreateFromPromptAsync("mine");
        actors.Current = SessionActor.ForUser(OtherUser);
        var theirs = await store.CreateFromPromptAsync("theirs");

        // Act
        var ids = store.SessionIds();

        // Assert
        Assert.That(ids, Is.EquivalentTo(new[] { mine.Id, theirs.Id }));
    }

    [Test]
    public async Task Export_session_of_another_owner_returns_its_whole_history_as_copies()
    {
        // Arrange
        var actors = ActorsFor(OtherUser);
        var store = new InMemorySessionStore(actors);
        var session = await store.CreateFromPromptAsync("theirs");
        var revision = await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Json.Parse("""{"a":1}"""));
        var draft = await store.AddDraftAsync(session.Id, DraftSource.UserEdit, "x = 1");
        var resolution = await store.ResolveHoleAsync(session.Id, "hole_1", HoleType.Other, ResolutionMethod.Default, Json.Parse("1"));
        actors.Current = SessionActor.ForUser(User);

        // Act
        var exported = store.Export(session.Id)!;
        exported.Session.ReplaceMetadata(Json.Parse("""{"changed":true}"""));

        // Assert
        var again = store.Export(session.Id)!;
        Assert.Multiple(() =>
        {
            Assert.That((exported.Session.Id, exported.Session.UserId, exported.Session.RevisionCount), Is.EqualTo((session.Id, OtherUser, 1)));
            Assert.That(exported.Revisions.Select(r => r.Id), Is.EqualTo(new[] { revision.Id }));
            Assert.That(exported.Drafts.Select(d => d.Id), Is.EqualTo(new[] { draft.Id }));
            Assert.That(exported.HoleResolutions.Select(h => h.Id), Is.EqualTo(new[] { resolution.Id }));
            Assert.That(again.Session.Metadata!.Value.GetRawText(), Does.Not.Contain("changed"), "changing the export changes nothing stored");
        });
    }

    [Test]
    public void Export_unknown_id_returns_null()
    {
        // Arrange
        var store = new InMemorySessionStore(ActorsFor(User));

        // Act
        var exported = store.Export(Guid.NewGuid());

        // Assert
        Assert.That(exported, Is.Null);
    }

    [Test]
    public async Task RemoveIfUnchanged_unchanged_since_the_export_removes_the_session()
    {
        // Arrange
        var store = new InMemorySessionStore(ActorsFor(User));
        var session = await store.CreateFromPromptAsync("a prompt");
        var exported = store.Export(session.Id)!;

        // Act
        var removed = store.RemoveIfUnchanged(session.Id, exported.Session.UpdatedAt);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.True);
            Assert.That(store.Holds(session.Id), Is.False);
        });
    }

    [Test]
    public async Task RemoveIfUnchanged_written_after_the_export_keeps_the_session()
    {
        // Arrange
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new InMemorySessionStore(ActorsFor(User), time);
        var session = await store.CreateFromPromptAsync("a prompt");
        var exported = store.Export(session.Id)!;
        await store.AddDraftAsync(session.Id, DraftSource.UserEdit, "x = 1");

        // Act
        var removed = store.RemoveIfUnchanged(session.Id, exported.Session.UpdatedAt);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.False);
            Assert.That(store.CountRows(), Is.EqualTo((1, 0, 1, 0)));
        });
    }

    [Test]
    public void RemoveIfUnchanged_unknown_id_returns_false()
    {
        // Arrange
        var store = new InMemorySessionStore(ActorsFor(User));

        // Act
        var removed = store.RemoveIfUnchanged(Guid.NewGuid(), DateTimeOffset.UnixEpoch);

        // Assert
        Assert.That(removed, Is.False);
    }

    private static MutableSessionActorAccessor ActorsFor(Guid userId) => new() { Current = SessionActor.ForUser(userId) };

    // A host's accessor written without nullable annotations may answer null; the store must treat it as nobody.
    private sealed class NullAnsweringAccessor : ISessionActorAccessor
    {
        public SessionActor Current => null!;
    }
}
