using System.Text.Json;
using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.InMemory;

/// <summary>
/// The spec's fallback storage: an <see cref="ISessionStore"/> that keeps sessions in this process's memory, for when
/// PostgreSQL is unavailable, and for tests and samples. <b>Memory loses data on restart</b>: every session, revision,
/// draft and hole resolution is gone when the process ends, and nothing is shared between processes or instances.
/// </summary>
/// <remarks>
/// <para>
/// It keeps the same contract as the PostgreSQL store: the same validation (bad input is refused before anything is
/// stored), the same isolation (a user sees only their own sessions, the service role all, nobody none), the same
/// numbering (1, 2, 3… per session without gaps), the same optimistic conflicts on <see cref="Session.UpdatedAt"/>,
/// and counters that always equal the number of revisions, drafts and hole resolutions kept.
/// </para>
/// <para>
/// Thread-safe: one lock serializes every operation on the store. An operation is a few dictionary and list steps with
/// no I/O, so the lock is held briefly, and concurrent appends to one session can never draw the same number.
/// </para>
/// <para>
/// It never hands out what it keeps: sessions and revisions are returned as copies, and sessions passed in are read,
/// never kept, so changing an object a caller holds changes nothing stored until it goes through
/// <see cref="UpdateAsync"/>. Drafts and hole resolutions have nothing a caller can change and are shared.
/// </para>
/// <para>
/// Its <see cref="TimeProvider"/> stands in for PostgreSQL's <c>now()</c>: times are UTC truncated to microseconds, as
/// <c>timestamptz</c> keeps them, and strictly increase across the store, so every write gives its session a new
/// <see cref="Session.UpdatedAt"/> even when the clock stands still.
/// </para>
/// </remarks>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly ISessionActorAccessor actors;
    private readonly TimeProvider timeProvider;
    private readonly Lock sync = new();
    private readonly Dictionary<Guid, StoredSession> sessions = [];
    private DateTimeOffset lastTimestamp = DateTimeOffset.MinValue;

    /// <summary>Initializes a new, empty store on the system clock.</summary>
    /// <param name="actors">Tells the store who is acting; an active <see cref="SessionActorScope"/> takes precedence.</param>
    /// <exception cref="ArgumentNullException"><paramref name="actors"/> is <see langword="null"/>.</exception>
    public InMemorySessionStore(ISessionActorAccessor actors)
        : this(actors, TimeProvider.System)
    {
    }

    /// <summary>Initializes a new, empty store.</summary>
    /// <param name="actors">Tells the store who is acting; an active <see cref="SessionActorScope"/> takes precedence.</param>
    /// <param name="timeProvider">The clock for <c>created_at</c>, <c>updated_at</c> and <c>finalized_at</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public InMemorySessionStore(ISessionActorAccessor actors, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(actors);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.actors = actors;
        this.timeProvider = timeProvider;
    }

    private SessionActor CurrentActor => SessionStoreRules.CurrentActor(actors);

    /// <inheritdoc />
    public Task<Session> CreateFromPromptAsync(string prompt, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
        => Run(() => Create(SessionSource.Prompt, prompt, options), cancellationToken);

    /// <inheritdoc />
    public Task<Session> CreateFromCodeAsync(string code, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
        => Run(() => Create(SessionSource.Code, code, options), cancellationToken);

    /// <inheritdoc />
    public Task<SessionSnapshot?> GetAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => Run<SessionSnapshot?>(() => Read(sessionId, stored => new SessionSnapshot(
                stored.Session.Copy(), stored.Revisions.LastOrDefault()?.Copy(), stored.Drafts.LastOrDefault())),
            cancellationToken);

    /// <inheritdoc />
    public Task<SessionHistory?> GetHistoryAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => Run<SessionHistory?>(() => Read(sessionId, stored => new SessionHistory(
                stored.Session.Copy(),
                stored.Revisions.Select(r => r.Copy()).ToArray(),
                stored.Drafts.ToArray(),
                stored.HoleResolutions.ToArray())),
            cancellationToken);

    /// <inheritdoc />
    public Task<Page<Session>> ListActiveAsync(PageRequest page, CancellationToken cancellationToken = default)
        => ListByStatusAsync(SessionStatus.Active, page, cancellationToken);

    /// <inheritdoc />
    public Task<Page<Session>> ListByStatusAsync(SessionStatus status, PageRequest page, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                Guard.Defined(status, "status");
                ArgumentNullException.ThrowIfNull(page);
                return List(session => session.Status == status, page);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<Page<Session>> SearchAsync(
        SessionSearchTarget target, JsonElement contains, PageRequest page, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                Guard.Defined(target, "target");
                var field = target == SessionSearchTarget.CurrentIr ? "current_ir" : "metadata";
                var wanted = Guard.Json(contains, field, JsonValueKind.Object);
                ArgumentNullException.ThrowIfNull(page);
                return List(
                    session => (target == SessionSearchTarget.CurrentIr ? session.CurrentIr : session.Metadata) is { } column
                        && JsonContainment.Contains(column, wanted),
                    page);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SessionActivity>> GetTimelineAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => Run(
            () => Read(sessionId, stored => SessionTimeline.Build(stored.Session, stored.Revisions, stored.Drafts, stored.HoleResolutions))
                ?? [],
            cancellationToken);

    /// <inheritdoc />
    public Task<Session> UpdateAsync(Session session, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                ArgumentNullException.ThrowIfNull(session);
                return Write(session.Id, stored =>
                {
                    if (stored.Session.UpdatedAt != session.UpdatedAt)
                    {
                        throw new ConcurrencyConflictException(session.Id, session.UpdatedAt, stored.Session.UpdatedAt);
                    }

                    var next = stored.Session.Copy();
                    next.ApplyEditableState(session);
                    next.StampUpdated(NextTimestamp());
                    stored.Session = next;
                    return next.Copy();
                });
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<SessionRevision> AppendRevisionAsync(
        Guid sessionId,
        RevisionSource source,
        JsonElement irContent,
        SessionRevisionDetails? details = null,
        CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                _ = SessionRevision.Create(
                    SessionStoreRules.ValidationSessionId, 1, source, irContent, details?.ValidationResult, null, details?.ChangeSummary, details?.Metadata);
                return Write(sessionId, stored =>
                {
                    EnsureTakesHistory(stored.Session);
                    return Append(stored, source, irContent, details?.ValidationResult, details?.ChangeSummary, details?.Metadata);
                });
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<SessionDraft> AddDraftAsync(
        Guid sessionId,
        DraftSource source,
        string codeContent,
        SessionDraftDetails? details = null,
        CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                details ??= new SessionDraftDetails();
                _ = SessionDraft.Create(SessionStoreRules.ValidationSessionId, 1, source, codeContent, details);
                return Write(sessionId, stored =>
                {
                    EnsureTakesHistory(stored.Session);
                    EnsureOwnRevision(stored, details.IrRevisionId);
                    var draft = SessionDraft.Create(stored.Session.Id, stored.Drafts.Count + 1, source, codeContent, details);
                    var at = NextTimestamp();
                    draft.StampCreated(at);

                    var next = stored.Session.Copy();
                    next.SetCurrentCode(draft.CodeContent);
                    Commit(stored, next, at, () => stored.Drafts.Add(draft));
                    return draft;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<HoleResolution> ResolveHoleAsync(
        Guid sessionId,
        string holeId,
        HoleType holeType,
        ResolutionMethod method,
        JsonElement resolvedValue,
        HoleResolutionDetails? details = null,
        CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                details ??= new HoleResolutionDetails();
                _ = HoleResolution.Create(SessionStoreRules.ValidationSessionId, holeId, holeType, method, resolvedValue, details);
                return Write(sessionId, stored =>
                {
                    EnsureTakesHistory(stored.Session);
                    EnsureOwnRevision(stored, details.IrRevisionId);
                    if (details.IrRevisionId is { } revisionId
                        && stored.HoleResolutions.Exists(h => h.IrRevisionId == revisionId && string.Equals(h.HoleId, holeId, StringComparison.Ordinal)))
                    {
                        throw new DuplicateHoleResolutionException(stored.Session.Id, revisionId, holeId);
                    }

                    var resolution = HoleResolution.Create(stored.Session.Id, holeId, holeType, method, resolvedValue, details);
                    var at = NextTimestamp();
                    resolution.StampCreated(at);
                    Commit(stored, stored.Session.Copy(), at, () => stored.HoleResolutions.Add(resolution));
                    return resolution;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<SessionRevision> RollbackToRevisionAsync(Guid sessionId, int revisionNumber, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                Guard.Positive(revisionNumber, "revision_number");
                return Write(sessionId, stored =>
                {
                    EnsureTakesHistory(stored.Session);
                    var target = stored.Revisions.Find(r => r.RevisionNumber == revisionNumber)
                        ?? throw new SessionRevisionNotFoundException(stored.Session.Id, revisionNumber);
                    return Append(
                        stored,
                        RevisionRollback.Source,
                        target.IrContent,
                        validationResult: null,
                        RevisionRollback.ChangeSummary(revisionNumber),
                        RevisionRollback.Metadata(target));
                });
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<Session> PauseAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => Transition(sessionId, session => session.Pause(), cancellationToken);

    /// <inheritdoc />
    public Task<Session> ResumeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => Transition(sessionId, session => session.Resume(), cancellationToken);

    /// <inheritdoc />
    public Task<Session> FinalizeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => Transition(
            sessionId,
            session =>
            {
                // Never before created_at: the store's own timestamps run ahead of a clock that stands still.
                session.MarkFinalized(SessionStoreRules.FinalizationTime(timeProvider, session));
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<Session> MarkErrorAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => Transition(sessionId, session => session.MarkError(), cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => Run(() => Write(sessionId, stored => sessions.Remove(stored.Session.Id)), cancellationToken);

    /// <summary>Counts everything stored, whoever owns it: for tests that check nothing was written or left behind.</summary>
    internal (int Sessions, int Revisions, int Drafts, int HoleResolutions) CountRows()
    {
        lock (sync)
        {
            return (
                sessions.Count,
                sessions.Values.Sum(s => s.Revisions.Count),
                sessions.Values.Sum(s => s.Drafts.Count),
                sessions.Values.Sum(s => s.HoleResolutions.Count));
        }
    }

    /// <summary>Gets how many sessions are kept, whoever owns them.</summary>
    internal int SessionCount
    {
        get
        {
            lock (sync)
            {
                return sessions.Count;
            }
        }
    }

    /// <summary>Tells whether a session is kept here, whoever owns it (the fallback routes by it).</summary>
    internal bool Holds(Guid sessionId)
    {
        lock (sync)
        {
            return sessions.ContainsKey(sessionId);
        }
    }

    /// <summary>Lists the ids of every session kept, whoever owns them: what the fallback must write back.</summary>
    internal IReadOnlyList<Guid> SessionIds()
    {
        lock (sync)
        {
            return [.. sessions.Keys];
        }
    }

    /// <summary>
    /// Reads a session with its whole history as of one moment, whoever owns it: for the fallback's write-back, which
    /// then writes it under its owner's identity.
    /// </summary>
    internal SessionHistory? Export(Guid sessionId)
    {
        lock (sync)
        {
            return sessions.TryGetValue(sessionId, out var stored)
                ? new SessionHistory(
                    stored.Session.Copy(),
                    stored.Revisions.Select(r => r.Copy()).ToArray(),
                    stored.Drafts.ToArray(),
                    stored.HoleResolutions.ToArray())
                : null;
        }
    }

    /// <summary>
    /// Forgets a session once it lives elsewhere, unless it was written after <paramref name="exportedUpdatedAt"/> (every
    /// write moves <see cref="Session.UpdatedAt"/> forward, so an equal time means nothing changed since the export).
    /// </summary>
    /// <returns><see langword="true"/> if it was removed.</returns>
    internal bool RemoveIfUnchanged(Guid sessionId, DateTimeOffset exportedUpdatedAt)
    {
        lock (sync)
        {
            return sessions.TryGetValue(sessionId, out var stored)
                && stored.Session.UpdatedAt == exportedUpdatedAt
                && sessions.Remove(sessionId);
        }
    }

    // Runs an operation that never waits; its failure faults the returned task, as an asynchronous store's would.
    private static Task<T> Run<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(operation());
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }

    private static bool CanSee(SessionActor actor, Session session) => actor.Kind switch
    {
        SessionActorKind.ServiceRole => true,

        // A user actor always has its id, so Nullable.Equals: the lifted == would add a has-no-value case no actor reaches.
        SessionActorKind.User => Nullable.Equals(actor.UserId, session.UserId),
        _ => false,
    };

    private static void EnsureTakesHistory(Session session) => SessionStoreRules.EnsureTakesHistory(session.Id, session.Status);

    private static void EnsureOwnRevision(StoredSession stored, Guid? revisionId)
    {
        if (revisionId is { } id && !stored.Revisions.Exists(r => r.Id == id))
        {
            throw new SessionRevisionNotFoundException(stored.Session.Id, id);
        }
    }

    private Session Create(SessionSource source, string input, CreateSessionOptions? options)
    {
        // Input first, then the actor: the same order as every other write.
        Guard.NotEmpty(input, "original_input");
        Guard.Json(options?.Metadata, "metadata", JsonValueKind.Object);
        var owner = SessionStoreRules.OwnerOfNewSession(CurrentActor, options?.OwnerId);
        var session = source == SessionSource.Code
            ? Session.StartFromCode(owner, input, options?.Metadata)
            : Session.StartFromPrompt(owner, input, options?.Metadata);

        lock (sync)
        {
            session.StampCreated(NextTimestamp());
            sessions.Add(session.Id, new StoredSession(session));
            return session.Copy();
        }
    }

    private T? Read<T>(Guid sessionId, Func<StoredSession, T> read)
        where T : class
    {
        var actor = CurrentActor;
        lock (sync)
        {
            return sessions.TryGetValue(sessionId, out var stored) && CanSee(actor, stored.Session) ? read(stored) : null;
        }
    }

    private Page<Session> List(Func<Session, bool> predicate, PageRequest page)
    {
        var actor = CurrentActor;
        lock (sync)
        {
            var items = sessions.Values
                .Select(stored => stored.Session)
                .Where(session => CanSee(actor, session) && predicate(session))
                .OrderByDescending(session => session.UpdatedAt)
                .ThenByDescending(session => session.Id)
                .Skip(page.Offset)
                .Take(page.Limit + 1)
                .Select(session => session.Copy())
                .ToList();
            var hasMore = items.Count > page.Limit;
            if (hasMore)
            {
                items.RemoveAt(page.Limit);
            }

            return new Page<Session>(items, page, hasMore);
        }
    }

    private T Write<T>(Guid sessionId, Func<StoredSession, T> write)
    {
        var actor = CurrentActor;
        if (actor.Kind == SessionActorKind.Anonymous)
        {
            throw SessionStoreRules.DeniedToAnonymous();
        }

        lock (sync)
        {
            if (!sessions.TryGetValue(sessionId, out var stored) || !CanSee(actor, stored.Session))
            {
                throw new SessionNotFoundException(sessionId);
            }

            return write(stored);
        }
    }

    private Task<Session> Transition(Guid sessionId, Action<Session> change, CancellationToken cancellationToken)
        => Run(
            () => Write(sessionId, stored =>
            {
                var next = stored.Session.Copy();
                change(next);
                Commit(stored, next, NextTimestamp(), () => { });
                return next.Copy();
            }),
            cancellationToken);

    private SessionRevision Append(
        StoredSession stored, RevisionSource source, JsonElement irContent, JsonElement? validationResult, string? changeSummary, JsonElement? metadata)
    {
        var changedFields = IrDiff.ChangedFields(stored.Revisions.LastOrDefault()?.IrContent, irContent);
        var revision = SessionRevision.Create(
            stored.Session.Id, stored.Revisions.Count + 1, source, irContent, validationResult, changedFields, changeSummary, metadata);
        var at = NextTimestamp();
        revision.StampCreated(at);

        var next = stored.Session.Copy();
        next.SetCurrentIr(revision.IrContent);
        Commit(stored, next, at, () => stored.Revisions.Add(revision));
        return revision.Copy();
    }

    // Everything that can fail has run by now: add the child, then swap in the session with its counters and time.
    private static void Commit(StoredSession stored, Session next, DateTimeOffset at, Action addChild)
    {
        addChild();
        next.SetChildCounts(stored.Revisions.Count, stored.Drafts.Count, stored.HoleResolutions.Count);
        next.StampUpdated(at);
        stored.Session = next;
    }

    // Called under the lock: strictly increasing, so no two writes share an updated_at.
    private DateTimeOffset NextTimestamp()
    {
        var now = SessionStoreRules.ToMicroseconds(timeProvider.GetUtcNow());
        lastTimestamp = now > lastTimestamp ? now : lastTimestamp.AddTicks(TimeSpan.TicksPerMicrosecond);
        return lastTimestamp;
    }
}
