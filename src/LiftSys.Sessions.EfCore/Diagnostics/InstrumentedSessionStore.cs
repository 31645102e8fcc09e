using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace LiftSys.Sessions.EfCore.Diagnostics;

/// <summary>
/// Wraps any <see cref="ISessionStore"/> with the library's telemetry: an activity (span) per operation, the operation's
/// duration and errors, the spec's business metrics, and log events with ids. Behaviour is the inner store's.
/// </summary>
internal sealed partial class InstrumentedSessionStore(ISessionStore inner, string storeName, SessionsMetrics metrics, ILogger logger) : ISessionStore
{
    public ISessionStore Inner => inner;

    public async Task<Session> CreateFromPromptAsync(string prompt, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var session = await RunAsync("create_from_prompt", null, () => inner.CreateFromPromptAsync(prompt, options, cancellationToken)).ConfigureAwait(false);
        metrics.SessionsCreated.Add(1, new KeyValuePair<string, object?>("source", "prompt"));
        return session;
    }

    public async Task<Session> CreateFromCodeAsync(string code, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var session = await RunAsync("create_from_code", null, () => inner.CreateFromCodeAsync(code, options, cancellationToken)).ConfigureAwait(false);
        metrics.SessionsCreated.Add(1, new KeyValuePair<string, object?>("source", "code"));
        return session;
    }

    public Task<SessionSnapshot?> GetAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync("get", sessionId, () => inner.GetAsync(sessionId, cancellationToken));

    public Task<SessionHistory?> GetHistoryAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync("get_history", sessionId, () => inner.GetHistoryAsync(sessionId, cancellationToken));

    public Task<Page<Session>> ListActiveAsync(PageRequest page, CancellationToken cancellationToken = default)
        => RunAsync("list_active", null, () => inner.ListActiveAsync(page, cancellationToken));

    public Task<Page<Session>> ListByStatusAsync(SessionStatus status, PageRequest page, CancellationToken cancellationToken = default)
        => RunAsync("list_by_status", null, () => inner.ListByStatusAsync(status, page, cancellationToken));

    public Task<Page<Session>> SearchAsync(SessionSearchTarget target, JsonElement contains, PageRequest page, CancellationToken cancellationToken = default)
        => RunAsync("search", null, () => inner.SearchAsync(target, contains, page, cancellationToken));

    public Task<IReadOnlyList<SessionActivity>> GetTimelineAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync("get_timeline", sessionId, () => inner.GetTimelineAsync(sessionId, cancellationToken));

    public Task<Session> UpdateAsync(Session session, CancellationToken cancellationToken = default)
        => RunAsync("update", session?.Id, () => inner.UpdateAsync(session!, cancellationToken));

    public Task<SessionRevision> AppendRevisionAsync(
        Guid sessionId, RevisionSource source, JsonElement irContent, SessionRevisionDetails? details = null, CancellationToken cancellationToken = default)
        => RunAsync("append_revision", sessionId, () => inner.AppendRevisionAsync(sessionId, source, irContent, details, cancellationToken));

    public async Task<SessionDraft> AddDraftAsync(
        Guid sessionId, DraftSource source, string codeContent, SessionDraftDetails? details = null, CancellationToken cancellationToken = default)
    {
        var draft = await RunAsync("add_draft", sessionId, () => inner.AddDraftAsync(sessionId, source, codeContent, details, cancellationToken))
            .ConfigureAwait(false);
        metrics.Drafts.Add(1, new TagList { { "syntax_valid", draft.SyntaxValid }, { "ast_valid", draft.AstValid } });
        if (draft.LlmCostUsd is { } cost)
        {
            metrics.LlmCost.Add((double)cost);
        }

        if (draft.LlmTokensUsed is { } tokens)
        {
            metrics.LlmTokens.Add(tokens);
        }

        return draft;
    }

    public async Task<HoleResolution> ResolveHoleAsync(
        Guid sessionId,
        string holeId,
        HoleType holeType,
        ResolutionMethod method,
        JsonElement resolvedValue,
        HoleResolutionDetails? details = null,
        CancellationToken cancellationToken = default)
    {
        var resolution = await RunAsync(
            "resolve_hole", sessionId, () => inner.ResolveHoleAsync(sessionId, holeId, holeType, method, resolvedValue, details, cancellationToken))
            .ConfigureAwait(false);
        metrics.HolesResolved.Add(1, new TagList
        {
            { "hole_type", SessionEnumText.ToText(resolution.HoleType) },
            { "resolution_method", SessionEnumText.ToText(resolution.ResolutionMethod) },
        });
        return resolution;
    }

    public Task<SessionRevision> RollbackToRevisionAsync(Guid sessionId, int revisionNumber, CancellationToken cancellationToken = default)
        => RunAsync("rollback_to_revision", sessionId, () => inner.RollbackToRevisionAsync(sessionId, revisionNumber, cancellationToken));

    public Task<Session> PauseAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync("pause", sessionId, () => inner.PauseAsync(sessionId, cancellationToken));

    public Task<Session> ResumeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync("resume", sessionId, () => inner.ResumeAsync(sessionId, cancellationToken));

    public async Task<Session> FinalizeAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        var session = await RunAsync("finalize", sessionId, () => inner.FinalizeAsync(sessionId, cancellationToken)).ConfigureAwait(false);
        metrics.SessionsFinalized.Add(1);
        if (session.FinalizedAt is { } finalizedAt)
        {
            metrics.SessionDuration.Record((finalizedAt - session.CreatedAt).TotalSeconds);
        }

        return session;
    }

    public async Task<Session> MarkErrorAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        var session = await RunAsync("mark_error", sessionId, () => inner.MarkErrorAsync(sessionId, cancellationToken)).ConfigureAwait(false);
        metrics.SessionsErrored.Add(1);
        return session;
    }

    public Task DeleteAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync("delete", sessionId, async () =>
        {
            await inner.DeleteAsync(sessionId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    private async Task<T> RunAsync<T>(string operation, Guid? sessionId, Func<Task<T>> action)
    {
        using var activity = SessionsTelemetry.ActivitySource.StartActivity($"session_store.{operation}", ActivityKind.Internal);
        activity?.SetTag("liftsys.sessions.operation", operation);
        activity?.SetTag("liftsys.sessions.store", storeName);
        if (sessionId is { } id)
        {
            activity?.SetTag("liftsys.sessions.session_id", id.ToString());
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await action().ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.RecordOperation(operation, storeName, elapsed, error: null);
            LogCompleted(logger, operation, storeName, elapsed.TotalMilliseconds);
            return result;
        }
        catch (Exception ex)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.RecordOperation(operation, storeName, elapsed, ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.AddException(ex);
            // The store's own failures (unreachable, timed out, outcome unknown, a database error) are typed as the
            // library's too, but they are faults to look into, not refusals.
            if (ex is OperationCanceledException
                || ex is LiftSysSessionsException and not (SessionStoreUnavailableException or SessionStoreTimeoutException
                    or SessionWriteOutcomeUnknownException or SessionStoreFailureException))
            {
                // A refusal the caller is meant to handle (bad input, a conflict, not found): not a fault of the store.
                var exceptionType = ex.GetType().Name;
                LogRefused(logger, operation, storeName, exceptionType);
            }
            else
            {
                LogFailed(logger, ex, operation, storeName);
            }

            throw;
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Session store {Operation} on {Store} completed in {ElapsedMilliseconds:0.0} ms.")]
    private static partial void LogCompleted(ILogger logger, string operation, string store, double elapsedMilliseconds);

    // A refusal is the caller's to handle; no stack trace, no message text (it may quote user input).
    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Session store {Operation} on {Store} refused the request: {ExceptionType}.")]
    private static partial void LogRefused(ILogger logger, string operation, string store, string exceptionType);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Session store {Operation} on {Store} failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string operation, string store);
}
