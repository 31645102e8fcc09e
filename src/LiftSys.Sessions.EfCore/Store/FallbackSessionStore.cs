using System.Net.Sockets;
using System.Text.Json;
using LiftSys.Sessions.EfCore.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Store;

/// <summary>
/// The spec's automatic fallback: serves from PostgreSQL until it cannot be reached, then from memory for the rest of the
/// process's life (health reports Degraded). Memory loses every session on restart, and sessions written to PostgreSQL
/// before the switch are not visible from memory.
/// </summary>
internal sealed partial class FallbackSessionStore(ISessionStore primary, ISessionStore memory, SessionStorageState state, ILogger logger)
    : ISessionStore
{
    public Task<Session> CreateFromPromptAsync(string prompt, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
        => RunAsync(store => store.CreateFromPromptAsync(prompt, options, cancellationToken));

    public Task<Session> CreateFromCodeAsync(string code, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
        => RunAsync(store => store.CreateFromCodeAsync(code, options, cancellationToken));

    public Task<SessionSnapshot?> GetAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync(store => store.GetAsync(sessionId, cancellationToken));

    public Task<SessionHistory?> GetHistoryAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync(store => store.GetHistoryAsync(sessionId, cancellationToken));

    public Task<Page<Session>> ListActiveAsync(PageRequest page, CancellationToken cancellationToken = default)
        => RunAsync(store => store.ListActiveAsync(page, cancellationToken));

    public Task<Page<Session>> ListByStatusAsync(SessionStatus status, PageRequest page, CancellationToken cancellationToken = default)
        => RunAsync(store => store.ListByStatusAsync(status, page, cancellationToken));

    public Task<Page<Session>> SearchAsync(SessionSearchTarget target, JsonElement contains, PageRequest page, CancellationToken cancellationToken = default)
        => RunAsync(store => store.SearchAsync(target, contains, page, cancellationToken));

    public Task<IReadOnlyList<SessionActivity>> GetTimelineAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync(store => store.GetTimelineAsync(sessionId, cancellationToken));

    public Task<Session> UpdateAsync(Session session, CancellationToken cancellationToken = default)
        => RunAsync(store => store.UpdateAsync(session, cancellationToken));

    public Task<SessionRevision> AppendRevisionAsync(
        Guid sessionId, RevisionSource source, JsonElement irContent, SessionRevisionDetails? details = null, CancellationToken cancellationToken = default)
        => RunAsync(store => store.AppendRevisionAsync(sessionId, source, irContent, details, cancellationToken));

    public Task<SessionDraft> AddDraftAsync(
        Guid sessionId, DraftSource source, string codeContent, SessionDraftDetails? details = null, CancellationToken cancellationToken = default)
        => RunAsync(store => store.AddDraftAsync(sessionId, source, codeContent, details, cancellationToken));

    public Task<HoleResolution> ResolveHoleAsync(
        Guid sessionId,
        string holeId,
        HoleType holeType,
        ResolutionMethod method,
        JsonElement resolvedValue,
        HoleResolutionDetails? details = null,
        CancellationToken cancellationToken = default)
        => RunAsync(store => store.ResolveHoleAsync(sessionId, holeId, holeType, method, resolvedValue, details, cancellationToken));

    public Task<SessionRevision> RollbackToRevisionAsync(Guid sessionId, int revisionNumber, CancellationToken cancellationToken = default)
        => RunAsync(store => store.RollbackToRevisionAsync(sessionId, revisionNumber, cancellationToken));

    public Task<Session> PauseAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync(store => store.PauseAsync(sessionId, cancellationToken));

    public Task<Session> ResumeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync(store => store.ResumeAsync(sessionId, cancellationToken));

    public Task<Session> FinalizeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync(store => store.FinalizeAsync(sessionId, cancellationToken));

    public Task<Session> MarkErrorAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync(store => store.MarkErrorAsync(sessionId, cancellationToken));

    public Task DeleteAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => RunAsync(async store =>
        {
            await store.DeleteAsync(sessionId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// True when PostgreSQL could not be reached at all — a refused or dropped connection, a timeout — as opposed to an
    /// error PostgreSQL itself reported (a <see cref="PostgresException"/>), which memory would not fix.
    /// </summary>
    internal static bool IsUnreachable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException)
            {
                return false;
            }

            if (current is SocketException or TimeoutException || current is NpgsqlException { InnerException: SocketException or IOException or TimeoutException })
            {
                return true;
            }
        }

        return false;
    }

    private async Task<T> RunAsync<T>(Func<ISessionStore, Task<T>> operation)
    {
        if (state.FallbackReason is not null)
        {
            return await operation(memory).ConfigureAwait(false);
        }

        try
        {
            return await operation(primary).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            if (state.ActivateFallback($"PostgreSQL unreachable since {DateTimeOffset.UtcNow:O}: {ex.GetBaseException().Message}"))
            {
                LogFallback(logger, ex);
            }

            return await operation(memory).ConfigureAwait(false);
        }
    }

    [LoggerMessage(
        EventId = 3001,
        Level = LogLevel.Critical,
        Message = "PostgreSQL is unreachable: LiftSys.Sessions now serves sessions from memory until the process restarts. Sessions written from now on are lost on restart.")]
    private static partial void LogFallback(ILogger logger, Exception exception);
}
