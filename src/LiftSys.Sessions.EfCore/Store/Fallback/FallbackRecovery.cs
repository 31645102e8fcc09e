using System.Collections.Concurrent;
using LiftSys.Sessions.EfCore.DependencyInjection;
using LiftSys.Sessions.EfCore.Diagnostics;
using LiftSys.Sessions.InMemory;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Store.Fallback;

/// <summary>
/// Moves what the fallback kept in memory to PostgreSQL once it is reachable again, one pass at a time, in the
/// background: every session memory holds is written back (<see cref="FallbackWriteBack"/>) and then forgotten by memory,
/// unless it changed meanwhile, in which case it is written again. A pass that meets a transient failure stops and the
/// next one (when the breaker closes again, or the next write to memory) completes it; a session PostgreSQL refuses for
/// good (a conflict, a constraint) is logged, counted and reported by the health check, and stays in memory, still served.
/// </summary>
internal sealed partial class FallbackRecovery
{
    private const int AttemptsPerSession = 3;

    private readonly InMemorySessionStore memory;
    private readonly FallbackWriteBack writer;
    private readonly SessionStorageState state;
    private readonly SessionsMetrics metrics;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<Guid, Guid> deletedAfterAttempt = new();
    private readonly ConcurrentDictionary<Guid, byte> attempted = new();
    private readonly Lock sync = new();
    private Task running = Task.CompletedTask;
    private bool runAgain;
    private long lastStarted = long.MinValue / 2;

    public FallbackRecovery(InMemorySessionStore memory, FallbackWriteBack writer, SessionStorageState state, SessionsMetrics metrics, ILogger logger)
    {
        this.memory = memory;
        this.writer = writer;
        this.state = state;
        this.metrics = metrics;
        this.logger = logger;
        state.PendingWriteBack = () => memory.SessionCount + deletedAfterAttempt.Count;
    }

    /// <summary>Gets a value indicating whether memory holds anything PostgreSQL does not have yet.</summary>
    public bool HasPending => memory.SessionCount > 0 || !deletedAfterAttempt.IsEmpty;

    /// <summary>
    /// Tells whether a session was deleted in memory after a write-back may already have put it in PostgreSQL: until the
    /// deletion reaches PostgreSQL too, that copy must not be served.
    /// </summary>
    public bool IsDeleted(Guid sessionId) => deletedAfterAttempt.ContainsKey(sessionId);

    /// <summary>Records that a session memory held was deleted there.</summary>
    public void RecordDeleted(Guid sessionId, Guid ownerId)
    {
        if (attempted.ContainsKey(sessionId))
        {
            deletedAfterAttempt[sessionId] = ownerId;
        }

        state.ForgetWriteBackFailure(sessionId);
    }

    /// <summary>
    /// Starts a pass in the background, or asks the running one to go round once more. Unless
    /// <paramref name="now"/>, a pass that started less than a second ago is not followed by another: sessions PostgreSQL
    /// refused for good stay pending, and every operation must not start a pass over them.
    /// </summary>
    public void Schedule(bool now = false)
    {
        lock (sync)
        {
            if (!running.IsCompleted)
            {
                runAgain = true;
                return;
            }

            var started = Environment.TickCount64;
            if (!now && started - lastStarted < 1000)
            {
                return;
            }

            lastStarted = started;
            running = Task.Run(RunAsync);
        }
    }

    /// <summary>Completes when no pass is running (for tests and shutdown).</summary>
    public Task WhenIdleAsync()
    {
        lock (sync)
        {
            return running;
        }
    }

    /// <summary>Runs one pass now: writes back every session memory holds, then the deletions.</summary>
    /// <returns><see langword="true"/> if the pass went through (nothing was left for a transient reason).</returns>
    internal async Task<bool> RunPassAsync(CancellationToken cancellationToken)
    {
        foreach (var sessionId in memory.SessionIds())
        {
            if (state.WriteBackFailures.ContainsKey(sessionId))
            {
                continue;
            }

            for (var attempt = 1; attempt <= AttemptsPerSession; attempt++)
            {
                var history = memory.Export(sessionId);
                if (history is null)
                {
                    break;
                }

                attempted[sessionId] = 0;
                try
                {
                    await writer.WriteAsync(history, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsPermanent(ex))
                {
                    state.RecordWriteBackFailure(sessionId, ex.GetBaseException().Message);
                    metrics.RecordWriteBack(written: false);
                    LogWriteBackFailed(logger, sessionId, history.Session.UserId, ex);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogWriteBackInterrupted(logger, ex);
                    return false;
                }

                if (memory.RemoveIfUnchanged(sessionId, history.Session.UpdatedAt))
                {
                    attempted.TryRemove(sessionId, out _);
                    state.RecordWrittenBack(sessionId);
                    metrics.RecordWriteBack(written: true);
                    LogWrittenBack(logger, sessionId, history.Session.UserId, history.Revisions.Count, history.Drafts.Count, history.HoleResolutions.Count);
                    break;
                }
            }
        }

        foreach (var (sessionId, ownerId) in deletedAfterAttempt)
        {
            try
            {
                await writer.DeleteAsync(sessionId, ownerId, cancellationToken).ConfigureAwait(false);
                deletedAfterAttempt.TryRemove(sessionId, out _);
                attempted.TryRemove(sessionId, out _);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWriteBackInterrupted(logger, ex);
                return false;
            }
        }

        return true;
    }

    // A refusal PostgreSQL will repeat every time; anything else (an outage, a timeout, a dropped connection) may pass later.
    private static bool IsPermanent(Exception exception)
    {
        if (exception is FallbackWriteBackConflictException)
        {
            return true;
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
            {
                // Npgsql counts the server's shutdown and start-up refusals (57P01-57P03, the classifier's outage states)
                // as transient too, so "transient" is the whole test.
                return !postgres.IsTransient;
            }
        }

        return false;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            // Uncancellable, so a pass ends by itself: whatever the write-back meets (a disposed host included) it logs
            // as an interruption and leaves to the next pass.
            await RunPassAsync(CancellationToken.None).ConfigureAwait(false);

            lock (sync)
            {
                if (!runAgain)
                {
                    return;
                }

                runAgain = false;
            }
        }
    }

    [LoggerMessage(
        EventId = 3004,
        Level = LogLevel.Information,
        Message = "Session {SessionId} of user {UserId}, kept in memory during the outage, was written back to PostgreSQL ({Revisions} revisions, {Drafts} drafts, {HoleResolutions} hole resolutions).")]
    private static partial void LogWrittenBack(ILogger logger, Guid sessionId, Guid userId, int revisions, int drafts, int holeResolutions);

    [LoggerMessage(
        EventId = 3005,
        Level = LogLevel.Error,
        Message = "Session {SessionId} of user {UserId}, kept in memory during the outage, cannot be written back to PostgreSQL; it stays in memory and is lost when the process stops.")]
    private static partial void LogWriteBackFailed(ILogger logger, Guid sessionId, Guid userId, Exception exception);

    [LoggerMessage(
        EventId = 3006,
        Level = LogLevel.Warning,
        Message = "Writing back the sessions kept in memory was interrupted; it resumes when PostgreSQL serves again.")]
    private static partial void LogWriteBackInterrupted(ILogger logger, Exception exception);
}
