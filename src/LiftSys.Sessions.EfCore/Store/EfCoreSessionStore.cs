using System.Text.Json;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Store;

/// <summary>
/// The PostgreSQL implementation of <see cref="ISessionStore"/>. Each operation runs in one transaction on a context of
/// its own, as the acting <see cref="SessionActor"/> under row-level security (the context must be configured with
/// <c>UseLiftSysSessionsAuthorization</c> and the same actor accessor, as <c>AddLiftSysSessions</c> does).
/// </summary>
/// <remarks>
/// <para>
/// Round trips are counted as commands sent, beside the one statement that sets the role and claims (per connection
/// open or per transaction) and the COMMIT: a read is one command (a history four); create, update and delete are one;
/// a status change is two (the session locked and read, then updated); appending a revision or a draft, resolving a hole
/// and rolling back are three — the session row locked (<c>FOR NO KEY UPDATE</c>), then what the operation needs read
/// (the previous revision, the highest draft number, the referenced revision), then one batch with the insert and the
/// session's update.
/// </para>
/// <para>
/// Numbers are allocated under the session row's lock, so concurrent writes to one session queue up instead of
/// colliding. Should a number still collide (a row written around the store), or PostgreSQL report a serialization
/// failure or deadlock, the operation is retried from the start, up to <see cref="MaxAttempts"/> times.
/// </para>
/// <para>
/// Every write takes effect exactly once across its retries: its ids are fixed once per call, and when a COMMIT may
/// have gone through before the connection failed, the write is looked up by them before anything is tried again
/// (<see cref="ExactlyOnceTransactions"/>). Failures reach the caller as the library's own exceptions only
/// (<see cref="StoreFailureTranslator"/>).
/// </para>
/// </remarks>
public sealed class EfCoreSessionStore : ISessionStore
{
    /// <summary>How many times an operation runs at most when it meets a race PostgreSQL reports and the store can absorb.</summary>
    public const int MaxAttempts = 5;

    private readonly ExactlyOnceTransactions transactions;
    private readonly ISessionActorAccessor actors;
    private readonly TimeProvider timeProvider;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="contexts">Creates the contexts; configured with the authorization interceptor and <paramref name="actors"/>.</param>
    /// <param name="actors">Tells who is acting; the same accessor the contexts' interceptor reads.</param>
    /// <param name="timeProvider">The clock for <c>finalized_at</c>.</param>
    public EfCoreSessionStore(IDbContextFactory<SessionsDbContext> contexts, ISessionActorAccessor actors, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentNullException.ThrowIfNull(actors);
        ArgumentNullException.ThrowIfNull(timeProvider);
        transactions = new ExactlyOnceTransactions(contexts);
        this.actors = actors;
        this.timeProvider = timeProvider;
    }

    private SessionActor CurrentActor => SessionStoreRules.CurrentActor(actors);

    /// <inheritdoc />
    public Task<Session> CreateFromPromptAsync(string prompt, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
        => CreateAsync(SessionSource.Prompt, prompt, options, cancellationToken);

    /// <inheritdoc />
    public Task<Session> CreateFromCodeAsync(string code, CreateSessionOptions? options = null, CancellationToken cancellationToken = default)
        => CreateAsync(SessionSource.Code, code, options, cancellationToken);

    /// <inheritdoc />
    public async Task<SessionSnapshot?> GetAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        if (CurrentActor.Kind == SessionActorKind.Anonymous)
        {
            return null;
        }

        return await RunAsync(
            async context =>
            {
                // The children are correlated on the parameter, not on s.Id: EF then filters before it numbers rows,
                // instead of numbering every revision of every session (ROW_NUMBER over the whole table).
                var row = await context.Sessions.AsNoTracking()
                    .Where(s => s.Id == sessionId)
                    .Select(s => new
                    {
                        Session = s,
                        Revision = context.Revisions.Where(r => r.SessionId == sessionId).OrderByDescending(r => r.RevisionNumber).FirstOrDefault(),
                        Draft = context.Drafts.Where(d => d.SessionId == sessionId).OrderByDescending(d => d.DraftNumber).FirstOrDefault(),
                    })
                    .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                return row is null ? null : new SessionSnapshot(row.Session, row.Revision, row.Draft);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SessionHistory?> GetHistoryAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        if (CurrentActor.Kind == SessionActorKind.Anonymous)
        {
            return null;
        }

        return await RunAsync(context => ReadHistoryAsync(context, sessionId, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<Page<Session>> ListActiveAsync(PageRequest page, CancellationToken cancellationToken = default)
        => ListByStatusAsync(SessionStatus.Active, page, cancellationToken);

    /// <inheritdoc />
    public Task<Page<Session>> ListByStatusAsync(SessionStatus status, PageRequest page, CancellationToken cancellationToken = default)
    {
        Guard.Defined(status, "status");
        ArgumentNullException.ThrowIfNull(page);
        return ListAsync(sessions => sessions.Where(s => s.Status == status), page, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Page<Session>> SearchAsync(
        SessionSearchTarget target, JsonElement contains, PageRequest page, CancellationToken cancellationToken = default)
    {
        Guard.Defined(target, "target");
        var wanted = Guard.Json(contains, target == SessionSearchTarget.CurrentIr ? "current_ir" : "metadata", JsonValueKind.Object);
        ArgumentNullException.ThrowIfNull(page);

        // jsonb @> jsonb, served by the GIN indexes on current_ir and metadata.
        return target == SessionSearchTarget.CurrentIr
            ? ListAsync(sessions => sessions.Where(s => s.CurrentIr != null && EF.Functions.JsonContains(s.CurrentIr, wanted)), page, cancellationToken)
            : ListAsync(sessions => sessions.Where(s => s.Metadata != null && EF.Functions.JsonContains(s.Metadata, wanted)), page, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SessionActivity>> GetTimelineAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        var history = await GetHistoryAsync(sessionId, cancellationToken).ConfigureAwait(false);
        return history is null ? [] : SessionTimeline.Build(history.Session, history.Revisions, history.Drafts, history.HoleResolutions);
    }

    /// <inheritdoc />
    public Task<Session> UpdateAsync(Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        RequireWriter();

        // The updated_at the UPDATE returned identifies this call's write: the trigger moves it strictly forward, so no
        // other write leaves the same value behind.
        DateTimeOffset? written = null;
        var write = new StoreWrite<Session>(
            "update",
            session.Id,
            WriteId: null,
            async (context, ct) => Found(written is { } mine
                ? await context.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == session.Id && s.UpdatedAt == mine, ct).ConfigureAwait(false)
                : null));
        return RunWriteAsync(
            write,
            async context =>
            {
                // Optimistic concurrency on updated_at, as the spec asks: the row is changed only if nobody changed it
                // since it was read; updated_at itself is then moved on by the trigger and read back.
                var updated = await context.Sessions
                    .FromSql($"""
                        UPDATE sessions
                        SET status = {SessionEnumText.ToText(session.Status)}, finalized_at = {session.FinalizedAt},
                            current_ir = {session.CurrentIr}, current_code = {session.CurrentCode}, metadata = {session.Metadata}
                        WHERE id = {session.Id} AND updated_at = {session.UpdatedAt}
                        RETURNING *
                        """)
                    .AsNoTracking()
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
                if (updated.Count == 1)
                {
                    written = updated[0].UpdatedAt;
                    return updated[0];
                }

                var actual = await context.Sessions.AsNoTracking().Where(s => s.Id == session.Id)
                    .Select(s => (DateTimeOffset?)s.UpdatedAt).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                throw actual is null
                    ? new SessionNotFoundException(session.Id)
                    : new ConcurrencyConflictException(session.Id, session.UpdatedAt, actual);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionRevision> AppendRevisionAsync(
        Guid sessionId,
        RevisionSource source,
        JsonElement irContent,
        SessionRevisionDetails? details = null,
        CancellationToken cancellationToken = default)
    {
        _ = SessionRevision.Create(
            SessionStoreRules.ValidationSessionId, 1, source, irContent, details?.ValidationResult, null, details?.ChangeSummary, details?.Metadata);
        RequireWriter();
        var revisionId = Guid.CreateVersion7();
        return RunWriteAsync(
            RevisionWrite("append_revision", sessionId, revisionId),
            async context =>
            {
                var locked = await LockForRevisionAsync(context, sessionId, targetNumber: null, cancellationToken).ConfigureAwait(false);
                return await AppendAsync(
                    context, locked, revisionId, source, irContent, details?.ValidationResult, details?.ChangeSummary, details?.Metadata, cancellationToken)
                    .ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionRevision> RollbackToRevisionAsync(Guid sessionId, int revisionNumber, CancellationToken cancellationToken = default)
    {
        Guard.Positive(revisionNumber, "revision_number");
        RequireWriter();
        var revisionId = Guid.CreateVersion7();
        return RunWriteAsync(
            RevisionWrite("rollback", sessionId, revisionId),
            async context =>
            {
                var locked = await LockForRevisionAsync(context, sessionId, revisionNumber, cancellationToken).ConfigureAwait(false);
                var target = locked.Target ?? throw new SessionRevisionNotFoundException(sessionId, revisionNumber);
                return await AppendAsync(
                    context,
                    locked,
                    revisionId,
                    RevisionRollback.Source,
                    target.IrContent,
                    validationResult: null,
                    RevisionRollback.ChangeSummary(revisionNumber),
                    RevisionRollback.Metadata(target),
                    cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionDraft> AddDraftAsync(
        Guid sessionId,
        DraftSource source,
        string codeContent,
        SessionDraftDetails? details = null,
        CancellationToken cancellationToken = default)
    {
        details ??= new SessionDraftDetails();
        _ = SessionDraft.Create(SessionStoreRules.ValidationSessionId, 1, source, codeContent, details);
        RequireWriter();
        var draftId = Guid.CreateVersion7();
        var write = new StoreWrite<SessionDraft>(
            "add_draft",
            sessionId,
            draftId,
            async (context, ct) => Found(await context.Drafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == draftId, ct).ConfigureAwait(false)));
        return RunWriteAsync(
            write,
            async context =>
            {
                var revisionId = details.IrRevisionId;
                await LockSessionAsync(context, sessionId, cancellationToken).ConfigureAwait(false);
                var row = await context.Sessions.Where(s => s.Id == sessionId)
                    .Select(s => new
                    {
                        Session = s,
                        LastNumber = context.Drafts.Where(d => d.SessionId == sessionId).Max(d => (int?)d.DraftNumber),
                        RevisionExists = revisionId == null || context.Revisions.Any(r => r.SessionId == sessionId && r.Id == revisionId),
                    })
                    .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new SessionNotFoundException(sessionId);
                EnsureTakesHistory(row.Session);
                EnsureRevision(sessionId, revisionId, row.RevisionExists);

                var draft = SessionDraft.Create(sessionId, (row.LastNumber ?? 0) + 1, source, codeContent, details);
                draft.AssignId(draftId);
                row.Session.SetCurrentCode(draft.CodeContent);
                context.Drafts.Add(draft);
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return draft;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<HoleResolution> ResolveHoleAsync(
        Guid sessionId,
        string holeId,
        HoleType holeType,
        ResolutionMethod method,
        JsonElement resolvedValue,
        HoleResolutionDetails? details = null,
        CancellationToken cancellationToken = default)
    {
        details ??= new HoleResolutionDetails();
        _ = HoleResolution.Create(SessionStoreRules.ValidationSessionId, holeId, holeType, method, resolvedValue, details);
        RequireWriter();
        var resolutionId = Guid.CreateVersion7();
        var write = new StoreWrite<HoleResolution>(
            "resolve_hole",
            sessionId,
            resolutionId,
            async (context, ct) => Found(
                await context.HoleResolutions.AsNoTracking().SingleOrDefaultAsync(h => h.Id == resolutionId, ct).ConfigureAwait(false)));
        return RunWriteAsync(
            write,
            async context =>
            {
                var revisionId = details.IrRevisionId;
                await LockSessionAsync(context, sessionId, cancellationToken).ConfigureAwait(false);
                var row = await context.Sessions.AsNoTracking().Where(s => s.Id == sessionId)
                    .Select(s => new
                    {
                        s.Status,
                        RevisionExists = revisionId == null || context.Revisions.Any(r => r.SessionId == sessionId && r.Id == revisionId),
                    })
                    .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new SessionNotFoundException(sessionId);
                SessionStoreRules.EnsureTakesHistory(sessionId, row.Status);
                EnsureRevision(sessionId, revisionId, row.RevisionExists);

                var resolution = HoleResolution.Create(sessionId, holeId, holeType, method, resolvedValue, details);
                resolution.AssignId(resolutionId);
                context.HoleResolutions.Add(resolution);
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException ex) when (ex.InnerException is PostgresException
                {
                    SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "hole_resolutions_session_id_ir_revision_id_hole_id_key",
                })
                {
                    throw new DuplicateHoleResolutionException(sessionId, revisionId!.Value, holeId);
                }

                return resolution;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Session> PauseAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => TransitionAsync("pause", sessionId, session => session.Pause(), cancellationToken);

    /// <inheritdoc />
    public Task<Session> ResumeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => TransitionAsync("resume", sessionId, session => session.Resume(), cancellationToken);

    /// <inheritdoc />
    public Task<Session> FinalizeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => TransitionAsync(
            "finalize",
            sessionId,
            session => session.MarkFinalized(SessionStoreRules.FinalizationTime(timeProvider, session)),
            cancellationToken);

    /// <inheritdoc />
    public Task<Session> MarkErrorAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => TransitionAsync("mark_error", sessionId, session => session.MarkError(), cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        RequireWriter();

        // Gone is gone: once the row is absent after this call's DELETE may have committed, the delete succeeded.
        var write = new StoreWrite<bool>(
            "delete",
            sessionId,
            WriteId: null,
            async (context, ct) => new ExecutionResult<bool>(
                !await context.Sessions.AnyAsync(s => s.Id == sessionId, ct).ConfigureAwait(false), result: true));
        return RunWriteAsync(
            write,
            async context =>
            {
                // Revisions, drafts and resolutions go with it (ON DELETE CASCADE), and row-level security makes another
                // user's session look absent rather than forbidden.
                var deleted = await context.Sessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                return deleted == 1 ? true : throw new SessionNotFoundException(sessionId);
            },
            cancellationToken);
    }

    // FOR NO KEY UPDATE: the counter triggers update the same row (a no-key update), so any weaker lock taken here would
    // let two writers deadlock on upgrading it; foreign-key checks of child inserts (KEY SHARE) still pass alongside.
    private static IQueryable<Session> LockedSession(SessionsDbContext context, Guid sessionId) =>
        context.Sessions.FromSql($"SELECT * FROM sessions WHERE id = {sessionId} FOR NO KEY UPDATE");

    /// <summary>
    /// Locks the session row in a statement of its own. Under READ COMMITTED a statement that waited for a lock re-reads
    /// only the locked row; everything else it reads comes from the snapshot it started with. So whatever must be read
    /// after the lock (the latest revision, the highest draft number) is read by the next statement, which sees every
    /// writer that held the lock before.
    /// </summary>
    private static async Task LockSessionAsync(SessionsDbContext context, Guid sessionId, CancellationToken cancellationToken)
    {
        var locked = await context.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM sessions WHERE id = {sessionId} FOR NO KEY UPDATE")
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (locked.Count == 0)
        {
            throw new SessionNotFoundException(sessionId);
        }
    }

    private static void EnsureTakesHistory(Session session) => SessionStoreRules.EnsureTakesHistory(session.Id, session.Status);

    private static void EnsureRevision(Guid sessionId, Guid? revisionId, bool exists)
    {
        if (revisionId is { } id && !exists)
        {
            throw new SessionRevisionNotFoundException(sessionId, id);
        }
    }

    private static async Task<SessionHistory?> ReadHistoryAsync(SessionsDbContext context, Guid sessionId, CancellationToken cancellationToken)
    {
        var session = await context.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return null;
        }

        var revisions = await context.Revisions.AsNoTracking().Where(r => r.SessionId == sessionId).OrderBy(r => r.RevisionNumber)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var drafts = await context.Drafts.AsNoTracking().Where(d => d.SessionId == sessionId).OrderBy(d => d.DraftNumber)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var resolutions = await context.HoleResolutions.AsNoTracking().Where(h => h.SessionId == sessionId)
            .OrderBy(h => h.CreatedAt).ThenBy(h => h.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new SessionHistory(session, revisions, drafts, resolutions);
    }

    private static async Task<LockedForRevision> LockForRevisionAsync(
        SessionsDbContext context, Guid sessionId, int? targetNumber, CancellationToken cancellationToken)
    {
        await LockSessionAsync(context, sessionId, cancellationToken).ConfigureAwait(false);
        var row = await context.Sessions.Where(s => s.Id == sessionId)
            .Select(s => new LockedForRevision(
                s,
                context.Revisions.Where(r => r.SessionId == sessionId).OrderByDescending(r => r.RevisionNumber).FirstOrDefault(),
                targetNumber == null ? null : context.Revisions.FirstOrDefault(r => r.SessionId == sessionId && r.RevisionNumber == targetNumber)))
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SessionNotFoundException(sessionId);
        EnsureTakesHistory(row.Session);
        return row;
    }

    private static async Task<SessionRevision> AppendAsync(
        SessionsDbContext context,
        LockedForRevision locked,
        Guid revisionId,
        RevisionSource source,
        JsonElement irContent,
        JsonElement? validationResult,
        string? changeSummary,
        JsonElement? metadata,
        CancellationToken cancellationToken)
    {
        var revision = SessionRevision.Create(
            locked.Session.Id,
            (locked.Latest?.RevisionNumber ?? 0) + 1,
            source,
            irContent,
            validationResult,
            IrDiff.ChangedFields(locked.Latest?.IrContent, irContent),
            changeSummary,
            metadata);
        revision.AssignId(revisionId);
        locked.Session.SetCurrentIr(revision.IrContent);
        context.Revisions.Add(revision);
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return revision;
    }

    private async Task<Session> CreateAsync(SessionSource source, string input, CreateSessionOptions? options, CancellationToken cancellationToken)
    {
        // Input first, then the actor: the same order as every other write.
        Guard.NotEmpty(input, "original_input");
        Guard.Json(options?.Metadata, "metadata", JsonValueKind.Object);
        var owner = SessionStoreRules.OwnerOfNewSession(CurrentActor, options?.OwnerId);
        var sessionId = Guid.CreateVersion7();
        var write = new StoreWrite<Session>(
            source == SessionSource.Code ? "create_from_code" : "create_from_prompt",
            sessionId,
            WriteId: null,
            async (context, ct) => Found(await context.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, ct).ConfigureAwait(false)));
        return await RunWriteAsync(
            write,
            async context =>
            {
                var session = source == SessionSource.Code
                    ? Session.StartFromCode(owner, input, options?.Metadata)
                    : Session.StartFromPrompt(owner, input, options?.Metadata);
                session.AssignId(sessionId);
                context.Sessions.Add(session);
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return session;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private void RequireWriter()
    {
        if (CurrentActor.Kind == SessionActorKind.Anonymous)
        {
            throw SessionStoreRules.DeniedToAnonymous();
        }
    }

    private Task<Session> TransitionAsync(string operation, Guid sessionId, Action<Session> change, CancellationToken cancellationToken)
    {
        RequireWriter();

        // Identified by the updated_at this call's UPDATE returned, not by the status: a session someone else moved to
        // the same status in the meantime is their write, and the retry then reports the transition as refused.
        DateTimeOffset? written = null;
        var write = new StoreWrite<Session>(
            operation,
            sessionId,
            WriteId: null,
            async (context, ct) => Found(written is { } mine
                ? await context.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId && s.UpdatedAt == mine, ct).ConfigureAwait(false)
                : null));
        return RunWriteAsync(
            write,
            async context =>
            {
                // The only row read is the locked one, which a statement that waited for the lock re-reads: one statement.
                var session = await LockedSession(context, sessionId).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new SessionNotFoundException(sessionId);
                change(session);
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                written = session.UpdatedAt;
                return session;
            },
            cancellationToken);
    }

    private async Task<Page<Session>> ListAsync(
        Func<IQueryable<Session>, IQueryable<Session>> filter, PageRequest page, CancellationToken cancellationToken)
    {
        var actor = CurrentActor;
        if (actor.Kind == SessionActorKind.Anonymous)
        {
            return new Page<Session>([], page, HasMore: false);
        }

        var items = await RunAsync(
            context =>
            {
                var sessions = context.Sessions.AsNoTracking();

                // Row-level security already limits a user to their own rows; saying so lets the planner use
                // idx_sessions_user_status instead of filtering every row through the policy.
                if (actor.UserId is { } userId)
                {
                    sessions = sessions.Where(s => s.UserId == userId);
                }

                return filter(sessions)
                    .OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id)
                    .Skip(page.Offset).Take(page.Limit + 1)
                    .ToListAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);

        var hasMore = items.Count > page.Limit;
        if (hasMore)
        {
            items.RemoveAt(page.Limit);
        }

        return new Page<Session>(items, page, hasMore);
    }

    private static ExecutionResult<T> Found<T>(T? stored)
        where T : class
        => new(stored is not null, stored!);

    private static StoreWrite<SessionRevision> RevisionWrite(string operation, Guid sessionId, Guid revisionId) => new(
        operation,
        sessionId,
        revisionId,
        async (context, ct) => Found(await context.Revisions.AsNoTracking().SingleOrDefaultAsync(r => r.Id == revisionId, ct).ConfigureAwait(false)));

    private Task<T> RunAsync<T>(Func<SessionsDbContext, Task<T>> operation, CancellationToken cancellationToken)
        => transactions.ReadAsync(operation, cancellationToken);

    private Task<T> RunWriteAsync<T>(StoreWrite<T> write, Func<SessionsDbContext, Task<T>> operation, CancellationToken cancellationToken)
        => transactions.WriteAsync(write, operation, cancellationToken);

    private sealed record LockedForRevision(Session Session, SessionRevision? Latest, SessionRevision? Target);
}
