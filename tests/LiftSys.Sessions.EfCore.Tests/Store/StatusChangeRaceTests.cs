using System.Data.Common;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// A status change is one <c>UPDATE … WHERE status = ANY(…)</c>; when it changes nothing, one read says why. These tests
/// put another writer exactly between the two (a command interceptor that moves the session with the owner's login
/// around the store's UPDATE), so the race the read must handle happens every time.
/// </summary>
public sealed class StatusChangeRaceTests
{
    private TestDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public Task DropDatabase() => database.DisposeAsync().AsTask();

    [Test]
    public async Task Pause_session_resumed_by_another_writer_after_a_refused_update_is_paused_on_the_next_try()
    {
        var (store, flipper, sessionId) = await ArrangePausedSessionAsync();
        flipper.After = "active";
        flipper.Times = 1;

        var paused = await store.PauseAsync(sessionId);

        Assert.Multiple(() =>
        {
            Assert.That(paused.Status, Is.EqualTo(SessionStatus.Paused));
            Assert.That(flipper.Updates, Is.EqualTo(2), "refused once (paused), then applied (active by then)");
        });
    }

    [Test]
    public async Task Pause_session_moving_around_every_try_gives_up_with_a_concurrency_conflict_after_max_attempts()
    {
        var (store, flipper, sessionId) = await ArrangePausedSessionAsync();
        flipper.Before = "paused";
        flipper.After = "active";
        flipper.Times = int.MaxValue;

        var thrown = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.PauseAsync(sessionId));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.SessionId, Is.EqualTo(sessionId));
            Assert.That(flipper.Updates, Is.EqualTo(EfCoreSessionStore.MaxAttempts));
        });
    }

    [Test]
    public async Task Pause_session_finalized_by_another_writer_after_a_refused_update_reports_the_finalized_status()
    {
        var (store, flipper, sessionId) = await ArrangePausedSessionAsync();
        flipper.After = "finalized";
        flipper.Times = 1;

        var thrown = await Assert.ThrowsAsync<SessionValidationException>(() => store.PauseAsync(sessionId));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Rule, Is.EqualTo(ValidationRule.StatusTransition));
            Assert.That(thrown.Message, Does.Contain("from finalized"));
            Assert.That(flipper.Updates, Is.EqualTo(1));
        });
    }

    private async Task<(EfCoreSessionStore Store, StatusFlipper Flipper, Guid SessionId)> ArrangePausedSessionAsync()
    {
        var flipper = new StatusFlipper(database.SuperuserConnectionString);
        var store = InterceptedStore.Create(database, flipper);
        var session = await store.CreateFromPromptAsync("raced status");
        await store.PauseAsync(session.Id);
        flipper.SessionId = session.Id;
        flipper.Updates = 0;
        return (store, flipper, session.Id);
    }

    /// <summary>Moves the session to <see cref="Before"/> just before, and to <see cref="After"/> just after, the store's status UPDATE.</summary>
    private sealed class StatusFlipper(string superuserConnectionString) : DbCommandInterceptor
    {
        public Guid SessionId { get; set; }

        public string? Before { get; set; }

        public string? After { get; set; }

        public int Times { get; set; }

        public int Updates { get; set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (IsStatusUpdate(command) && Updates < Times && Before is { } status)
            {
                await MoveAsync(status);
            }

            return result;
        }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (IsStatusUpdate(command) && Updates++ < Times && After is { } status)
            {
                await MoveAsync(status);
            }

            return result;
        }

        private static bool IsStatusUpdate(DbCommand command) => command.CommandText.Contains("status = ANY(", StringComparison.Ordinal);

        private async Task MoveAsync(string status)
        {
            // Another client, in a transaction of its own (the store's UPDATE changed nothing, so it holds no row lock).
            await using var connection = new NpgsqlConnection(superuserConnectionString);
            await connection.OpenAsync();
            await connection.ExecuteAsync(
                "UPDATE sessions SET status = $1, finalized_at = CASE WHEN $1 = 'finalized' THEN now() END WHERE id = $2", status, SessionId);
        }
    }
}
