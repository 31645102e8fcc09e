using LiftSys.Sessions.InMemory;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport.Contracts;

namespace LiftSys.Sessions.Tests.InMemory;

/// <summary>What the in-memory store does beyond the shared contract.</summary>
public sealed class InMemorySessionStoreTests
{
    private static readonly Guid User = Guid.Parse("c0c0c0c0-0000-4000-8000-00000000000c");

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

    private static MutableSessionActorAccessor ActorsFor(Guid userId) => new() { Current = SessionActor.ForUser(userId) };
}
