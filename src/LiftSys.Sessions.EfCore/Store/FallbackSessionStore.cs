using System.Text.Json;
using LiftSys.Sessions.EfCore.Store.Fallback;
using LiftSys.Sessions.InMemory;

namespace LiftSys.Sessions.EfCore.Store;

/// <summary>
/// The spec's automatic fallback, honest about what it has: PostgreSQL serves through a circuit breaker
/// (<see cref="FallbackCircuitBreaker"/>) that trips only on a confirmed outage. While it is tripped, new sessions are
/// created in memory, and memory serves the sessions it holds; every operation on a session memory does not hold — one
/// stored in PostgreSQL — throws <see cref="SessionStoreUnavailableException"/>, never <see langword="null"/> or "not
/// found", and so do the lists and the search, which cannot be complete without PostgreSQL. The breaker probes PostgreSQL
/// by itself; once it serves again, <see cref="FallbackRecovery"/> writes every session memory holds back to it with the
/// same ids, owners, numbers and content, and memory keeps serving each session until PostgreSQL has it.
/// </summary>
internal sealed class FallbackSessionStore(ISessionStore primary, InMemorySessionStore memory, FallbackCircuitBreaker breaker, FallbackRecovery recovery)
    : ISessionStore
{
    /// <summary>Gets the write-back, for tests that wait for it.</summary>
    public FallbackRecovery Recovery => recovery;

    public Task<Session> CreateFromPromptAsync(string prompt, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
        => CreateAsync(store => store.CreateFromPromptAsync(prompt, options, cancellationToken), cancellationToken);

    public Task<Session> CreateFromCodeAsync(string code, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
        => CreateAsync(store => store.CreateFromCodeAsync(code, options, cancellationToken), cancellationToken);

    public Task<SessionSnapshot?> GetAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.GetAsync(sessionId, cancellationToken), found => found is not null, cancellationToken);

    public Task<SessionHistory?> GetHistoryAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.GetHistoryAsync(sessionId, cancellationToken), found => found is not null, cancellationToken);

    public Task<Page<Session>> ListActiveAsync(PageRequest page, CancellationToken cancellationToken = default)
        => ListAsync((store, request) => store.ListActiveAsync(request, cancellationToken), page, cancellationToken);

    public Task<Page<Session>> ListByStatusAsync(SessionStatus status, PageRequest page, CancellationToken cancellationToken = default)
        => ListAsync((store, request) => store.ListByStatusAsync(status, request, cancellationToken), page, cancellationToken);

    public Task<Page<Session>> SearchAsync(SessionSearchTarget target, JsonElement contains, PageRequest page, CancellationToken cancellationToken = default)
        => ListAsync((store, request) => store.SearchAsync(target, contains, request, cancellationToken), page, cancellationToken);

    public Task<IReadOnlyList<SessionActivity>> GetTimelineAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.GetTimelineAsync(sessionId, cancellationToken), found => found.Count > 0, cancellationToken);

    public Task<Session> UpdateAsync(Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ForSessionAsync(session.Id, store => store.UpdateAsync(session, cancellationToken), cancellationToken);
    }

    public Task<SessionRevision> AppendRevisionAsync(
        Guid sessionId, RevisionSource source, JsonElement irContent, SessionRevisionDetails? details = null, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.AppendRevisionAsync(sessionId, source, irContent, details, cancellationToken), cancellationToken);

    public Task<SessionDraft> AddDraftAsync(
        Guid sessionId, DraftSource source, string codeContent, SessionDraftDetails? details = null, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.AddDraftAsync(sessionId, source, codeContent, details, cancellationToken), cancellationToken);

    public Task<HoleResolution> ResolveHoleAsync(
        Guid sessionId,
        string holeId,
        HoleType holeType,
        ResolutionMethod method,
        JsonElement resolvedValue,
        HoleResolutionDetails? details = null,
        CancellationToken cancellationToken = default)
        => ForSessionAsync(
            sessionId, store => store.ResolveHoleAsync(sessionId, holeId, holeType, method, resolvedValue, details, cancellationToken), cancellationToken);

    public Task<SessionRevision> RollbackToRevisionAsync(Guid sessionId, int revisionNumber, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.RollbackToRevisionAsync(sessionId, revisionNumber, cancellationToken), cancellationToken);

    public Task<Session> PauseAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.PauseAsync(sessionId, cancellationToken), cancellationToken);

    public Task<Session> ResumeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.ResumeAsync(sessionId, cancellationToken), cancellationToken);

    public Task<Session> FinalizeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.FinalizeAsync(sessionId, cancellationToken), cancellationToken);

    public Task<Session> MarkErrorAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => ForSessionAsync(sessionId, store => store.MarkErrorAsync(sessionId, cancellationToken), cancellationToken);

    public Task DeleteAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => ForSessionAsync(
            sessionId,
            async store =>
            {
                var owner = store == memory ? memory.Export(sessionId)?.Session.UserId : null;
                await store.DeleteAsync(sessionId, cancellationToken).ConfigureAwait(false);
                if (owner is { } ownerId)
                {
                    recovery.RecordDeleted(sessionId, ownerId);
                }

                return true;
            },
            cancellationToken);

    private async Task<Session> CreateAsync(Func<ISessionStore, Task<Session>> create, CancellationToken cancellationToken)
    {
        try
        {
            return await OnPrimaryAsync(create, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException) when (breaker.IsTripped)
        {
            // A new session belongs to nobody's history yet: memory can hold it until PostgreSQL can.
            return await create(memory).ConfigureAwait(false);
        }
    }

    private Task<T> ForSessionAsync<T>(Guid sessionId, Func<ISessionStore, Task<T>> operation, CancellationToken cancellationToken)
        => ForSessionAsync(sessionId, operation, static _ => true, cancellationToken);

    private async Task<T> ForSessionAsync<T>(
        Guid sessionId, Func<ISessionStore, Task<T>> operation, Func<T, bool> found, CancellationToken cancellationToken)
    {
        // Memory answers for what it holds (and for what was deleted there) until PostgreSQL has it.
        if (InMemory(sessionId))
        {
            try
            {
                var result = await operation(memory).ConfigureAwait(false);
                if (found(result) || InMemory(sessionId))
                {
                    ScheduleWriteBack();
                    return result;
                }
            }
            catch (SessionNotFoundException) when (!InMemory(sessionId))
            {
                // Written back between the check and the call: PostgreSQL has it now.
            }
        }

        return await OnPrimaryAsync(operation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Page<Session>> ListAsync(Func<ISessionStore, PageRequest, Task<Page<Session>>> list, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!recovery.HasPending)
        {
            return await OnPrimaryAsync(store => list(store, page), cancellationToken).ConfigureAwait(false);
        }

        // Memory holds sessions PostgreSQL does not have yet: the page is cut from both, in the stores' common order,
        // memory's copy winning. PostgreSQL's half goes through the breaker, so while it is tripped the list is refused.
        var needed = (int)Math.Min(int.MaxValue, (long)page.Offset + page.Limit + 1);
        var fromPostgres = await CollectAsync(
            request => OnPrimaryAsync(store => list(store, request), cancellationToken), session => !InMemory(session.Id), needed).ConfigureAwait(false);
        var fromMemory = await CollectAsync(request => list(memory, request), static _ => true, needed).ConfigureAwait(false);
        var merged = fromPostgres.Concat(fromMemory)
            .OrderByDescending(session => session.UpdatedAt)
            .ThenByDescending(session => session.Id)
            .Skip(page.Offset)
            .Take(page.Limit + 1)
            .ToList();
        var hasMore = merged.Count > page.Limit;
        if (hasMore)
        {
            merged.RemoveAt(page.Limit);
        }

        return new Page<Session>(merged, page, hasMore);
    }

    private static async Task<List<Session>> CollectAsync(Func<PageRequest, Task<Page<Session>>> list, Func<Session, bool> keep, int needed)
    {
        var items = new List<Session>();
        for (var offset = 0; items.Count < needed; offset += PageRequest.MaxLimit)
        {
            var page = await list(new PageRequest(offset, PageRequest.MaxLimit)).ConfigureAwait(false);
            items.AddRange(page.Items.Where(keep));
            if (!page.HasMore || offset > int.MaxValue - (2 * PageRequest.MaxLimit))
            {
                break;
            }
        }

        return items;
    }

    private async Task<T> OnPrimaryAsync<T>(Func<ISessionStore, Task<T>> operation, CancellationToken cancellationToken)
    {
        var result = await breaker.ExecuteAsync(_ => operation(primary), cancellationToken).ConfigureAwait(false);
        if (recovery.HasPending)
        {
            ScheduleWriteBack();
        }

        return result;
    }

    private bool InMemory(Guid sessionId) => memory.Holds(sessionId) || recovery.IsDeleted(sessionId);

    private void ScheduleWriteBack()
    {
        if (!breaker.IsTripped)
        {
            recovery.Schedule();
        }
    }
}
