using System.Runtime.CompilerServices;
using System.Text.Json;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Store;

/// <summary>
/// The PostgreSQL implementation of <see cref="ISessionStore"/>. Each operation is one transaction, on a context of
/// its own, as the acting <see cref="SessionActor"/> under row-level security (the context must be configured with
/// <c>UseLiftSysSessionsAuthorization</c> and the same actor accessor, as <c>AddLiftSysSessions</c> does).
/// </summary>
/// <remarks>
/// <para>
/// Round trips, the role and claims included (they ride in front of the first statement, see
/// <c>UseLiftSysSessionsAuthorization</c>): create, get, list, search, update, a status change and delete are one
/// statement each, sent without an explicit transaction — one round trip, no COMMIT. Appending a revision or a draft,
/// resolving a hole and rolling back are three: the session row locked (<c>FOR NO KEY UPDATE</c>) and what the operation
/// needs read (the previous revision, the highest draft number, the referenced revision) in one batch, then one statement
/// with the insert and the session's update, then the COMMIT. A history is four reads.
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

        var row = await RunAsync(context => Compiled(context).SnapshotOf(context, sessionId, cancellationToken), cancellationToken).ConfigureAwait(false);
        return row is null ? null : new SessionSnapshot(row.Session, row.Revision, row.Draft);
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
        return ListAsync(
            (context, userId) => userId is { } owner
                ? Compiled(context).OwnSessionsByStatus(context, owner, status, page.Offset, page.Limit + 1)
                : Compiled(context).SessionsByStatus(context, status, page.Offset, page.Limit + 1),
            page,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Page<Session>> SearchAsync(
        SessionSearchTarget target, JsonElement contains, PageRequest page, CancellationToken cancellationToken = default)
    {
        Guard.Defined(target, "target");
        var wanted = Guard.Json(contains, target == SessionSearchTarget.CurrentIr ? "current_ir" : "metadata", JsonValueKind.Object);
        ArgumentNullException.ThrowIfNull(page);

        // jsonb @> jsonb, served by the GIN indexes on current_ir and metadata. Row-level security already limits a user
        // to their own rows; saying so lets the planner use the user's index instead of filtering every row by policy.
        return ListAsync(
            (context, userId) =>
            {
                var sessions = context.Sessions.AsNoTracking();
                if (userId is { } owner)
                {
                    sessions = sessions.Where(s => s.UserId == owner);
                }

                sessions = target == SessionSearchTarget.CurrentIr
                    ? sessions.Where(s => s.CurrentIr != null && EF.Functions.JsonContains(s.CurrentIr, wanted))
                    : sessions.Where(s => s.Metadata != null && EF.Functions.JsonContains(s.Metadata, wanted));
                return sessions.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id)
                    .Skip(page.Offset).Take(page.Limit + 1).AsAsyncEnumerable();
            },
            page,
            cancellationToken);
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
        // other write leaves the same value behind. When the answer itself was lost (the statement commits with it), the
        // write is recognised by its result: the row moved on from the call's token and holds exactly the values it
        // wrote (jsonb compared by PostgreSQL, as stored).
        DateTimeOffset? written = null;
        var statusText = SessionEnumText.ToText(session.Status);
        var write = new StoreWrite<Session>(
            "update",
            session.Id,
            WriteId: null,
            async (context, ct) => Found(written is { } mine
                ? await context.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == session.Id && s.UpdatedAt == mine, ct).ConfigureAwait(false)
                : (await context.Sessions.FromSql($"""
                    SELECT * FROM sessions
                    WHERE id = {session.Id} AND updated_at <> {session.UpdatedAt} AND status = {statusText}
                      AND finalized_at IS NOT DISTINCT FROM {session.FinalizedAt} AND current_code IS NOT DISTINCT FROM {session.CurrentCode}
                      AND current_ir IS NOT DISTINCT FROM {session.CurrentIr} AND metadata IS NOT DISTINCT FROM {session.Metadata}
                    """).AsNoTracking().ToListAsync(ct).ConfigureAwait(false)).SingleOrDefault()));
        return RunStatementAsync(
            write,
            async context =>
            {
                // Optimistic concurrency on updated_at, as the spec asks: the row is changed only if nobody changed it
                // since it was read; updated_at itself is then moved on by the trigger and read back.
                var updated = await context.Sessions
                    .FromSql($"""
                        UPDATE sessions
                        SET status = {statusText}, finalized_at = {session.FinalizedAt},
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

                // Nothing changed: a second statement only to say why.
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
        // Validated once, here; placed under the lock, where its number and changed fields are known.
        var validated = SessionRevision.Create(
            SessionStoreRules.ValidationSessionId, 1, source, irContent, details?.ValidationResult, null, details?.ChangeSummary, details?.Metadata);
        RequireWriter();
        var revisionId = Guid.CreateVersion7();
        return RunWriteAsync(
            RevisionWrite("append_revision", sessionId, revisionId),
            async context =>
            {
                var locked = await LockAndReadAsync(context, sessionId, latestRevision: true, targetNumber: null, lastDraftNumber: false, revisionId: null, cancellationToken)
                    .ConfigureAwait(false);
                var revision = validated.PlacedAt(
                    sessionId, (locked.LatestNumber ?? 0) + 1, revisionId, IrDiff.ChangedFields(locked.LatestIr, validated.IrContent));
                return await InsertRevisionAsync(context, revision, cancellationToken).ConfigureAwait(false);
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
                var locked = await LockAndReadAsync(context, sessionId, latestRevision: true, revisionNumber, lastDraftNumber: false, revisionId: null, cancellationToken)
                    .ConfigureAwait(false);
                if (locked is not { TargetId: { } targetId, TargetIr: { } targetIr })
                {
                    throw new SessionRevisionNotFoundException(sessionId, revisionNumber);
                }

                // The IR comes from the database, where SQL around the store may have put anything: validated like input.
                var revision = SessionRevision.Create(
                    sessionId,
                    (locked.LatestNumber ?? 0) + 1,
                    RevisionRollback.Source,
                    targetIr,
                    validationResult: null,
                    IrDiff.ChangedFields(locked.LatestIr, targetIr),
                    RevisionRollback.ChangeSummary(revisionNumber),
                    RevisionRollback.Metadata(revisionNumber, targetId));
                revision.AssignId(revisionId);
                return await InsertRevisionAsync(context, revision, cancellationToken).ConfigureAwait(false);
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
        var validated = SessionDraft.Create(SessionStoreRules.ValidationSessionId, 1, source, codeContent, details);
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
                var revisionId = validated.IrRevisionId;
                var locked = await LockAndReadAsync(context, sessionId, latestRevision: false, targetNumber: null, lastDraftNumber: true, revisionId, cancellationToken)
                    .ConfigureAwait(false);
                EnsureRevision(sessionId, revisionId, locked.RevisionExists);
                var draft = validated.PlacedAt(sessionId, (locked.LastDraftNumber ?? 0) + 1, draftId);

                // The draft and the session's current code in one statement; the counter trigger updates the row too.
                var inserted = await context.Drafts.FromSql($"""
                    WITH inserted AS (
                        INSERT INTO session_drafts (id, session_id, ir_revision_id, draft_number, source, code_content, language,
                            syntax_valid, ast_valid, validation_errors, generation_time_ms, validation_time_ms, llm_tokens_used,
                            llm_cost_usd, metadata)
                        VALUES ({draft.Id}, {draft.SessionId}, {draft.IrRevisionId}, {draft.DraftNumber},
                            {SessionEnumText.ToText(draft.Source)}, {draft.CodeContent}, {draft.Language}, {draft.SyntaxValid},
                            {draft.AstValid}, {draft.ValidationErrors}, {draft.GenerationTimeMs}, {draft.ValidationTimeMs},
                            {draft.LlmTokensUsed}, {draft.LlmCostUsd}, {draft.Metadata})
                        RETURNING *),
                    current AS (UPDATE sessions SET current_code = (SELECT code_content FROM inserted) WHERE id = {sessionId})
                    SELECT * FROM inserted
                    """).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
                return inserted[0];
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
        // Validated once, here, with a placeholder session: the INSERT names the session, and what is returned is the row.
        var resolution = HoleResolution.Create(SessionStoreRules.ValidationSessionId, holeId, holeType, method, resolvedValue, details);
        RequireWriter();
        var resolutionId = Guid.CreateVersion7();
        resolution.AssignId(resolutionId);
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
                var locked = await LockAndReadAsync(context, sessionId, latestRevision: false, targetNumber: null, lastDraftNumber: false, revisionId, cancellationToken)
                    .ConfigureAwait(false);
                EnsureRevision(sessionId, revisionId, locked.RevisionExists);
                try
                {
                    var inserted = await context.HoleResolutions.FromSql($"""
                        INSERT INTO hole_resolutions (id, session_id, ir_revision_id, hole_id, hole_type, resolution_method,
                            resolved_value, confidence_score, original_hole_data, suggestions_provided, user_feedback, metadata)
                        VALUES ({resolution.Id}, {sessionId}, {resolution.IrRevisionId}, {resolution.HoleId},
                            {SessionEnumText.ToText(resolution.HoleType)}, {SessionEnumText.ToText(resolution.ResolutionMethod)},
                            {resolution.ResolvedValue}, {resolution.ConfidenceScore}, {resolution.OriginalHoleData},
                            {resolution.SuggestionsProvided}, {resolution.UserFeedback}, {resolution.Metadata})
                        RETURNING *
                        """).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
                    return inserted[0];
                }
                catch (PostgresException ex) when (ex is
                {
                    SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "hole_resolutions_session_id_ir_revision_id_hole_id_key",
                })
                {
                    throw new DuplicateHoleResolutionException(sessionId, revisionId!.Value, holeId);
                }
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Session> PauseAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => TransitionAsync("pause", sessionId, SessionStatus.Paused, session => session.Pause(), cancellationToken);

    /// <inheritdoc />
    public Task<Session> ResumeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => TransitionAsync("resume", sessionId, SessionStatus.Active, session => session.Resume(), cancellationToken);

    /// <inheritdoc />
    public Task<Session> FinalizeAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => TransitionAsync(
            "finalize",
            sessionId,
            SessionStatus.Finalized,
            session => session.MarkFinalized(SessionStoreRules.FinalizationTime(timeProvider, session)),
            cancellationToken);

    /// <inheritdoc />
    public Task<Session> MarkErrorAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => TransitionAsync("mark_error", sessionId, SessionStatus.Error, session => session.MarkError(), cancellationToken);

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
        return RunStatementAsync(
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

    // The hot reads, compiled once per model (EF binds a compiled query to the model it first ran with, and contexts with
    // other options have models of their own), so they skip EF's query cache lookup and expression-tree work on every call.
    private static readonly ConditionalWeakTable<IModel, CompiledReads> CompiledByModel = new();

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

    /// <summary>
    /// Locks the session row and reads what the write needs, in one batch of two statements. Under READ COMMITTED a
    /// statement that waited for a lock re-reads only the locked row and sees everything else as of its own start; the
    /// SELECT after the lock takes its snapshot once the lock is held, so it sees every writer that held the lock before.
    /// Only the status and what was asked for are read (each other part is switched off by a constant the executor checks
    /// once), never the session's own documents.
    /// </summary>
    /// <param name="context">The operation's context, in its transaction.</param>
    /// <param name="sessionId">The session.</param>
    /// <param name="latestRevision">Read the latest revision's number and IR (append, rollback).</param>
    /// <param name="targetNumber">Read this revision's id and IR (rollback).</param>
    /// <param name="lastDraftNumber">Read the highest draft number (add draft).</param>
    /// <param name="revisionId">Check that this revision belongs to the session (draft, resolution).</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    private static async Task<LockedSessionState> LockAndReadAsync(
        SessionsDbContext context,
        Guid sessionId,
        bool latestRevision,
        int? targetNumber,
        bool lastDraftNumber,
        Guid? revisionId,
        CancellationToken cancellationToken)
    {
        var rows = await context.Database.SqlQuery<LockedSessionState>($"""
            CALL liftsys_sessions_lock_session({sessionId});
            SELECT s.status AS "Status", latest.revision_number AS "LatestNumber", latest.ir_content AS "LatestIr",
                   goal.id AS "TargetId", goal.ir_content AS "TargetIr",
                   CASE WHEN {lastDraftNumber} THEN (SELECT max(d.draft_number) FROM session_drafts d WHERE d.session_id = {sessionId}) END
                       AS "LastDraftNumber",
                   ({revisionId}::uuid IS NULL OR EXISTS (SELECT 1 FROM session_revisions r
                                                         WHERE r.session_id = {sessionId} AND r.id = {revisionId}::uuid)) AS "RevisionExists"
            FROM sessions s
            LEFT JOIN LATERAL (SELECT r.revision_number, r.ir_content FROM session_revisions r
                               WHERE {latestRevision} AND r.session_id = {sessionId}
                               ORDER BY r.revision_number DESC LIMIT 1) latest ON true
            LEFT JOIN LATERAL (SELECT r.id, r.ir_content FROM session_revisions r
                               WHERE r.session_id = {sessionId} AND r.revision_number = {targetNumber}) goal ON true
            WHERE s.id = {sessionId}
            """).ToListAsync(cancellationToken).ConfigureAwait(false);
        var locked = rows.Count == 1 ? rows[0] : throw new SessionNotFoundException(sessionId);
        SessionStoreRules.EnsureTakesHistory(sessionId, SessionEnumText.Parse<SessionStatus>(locked.Status));
        return locked;
    }

    private static async Task<SessionRevision> InsertRevisionAsync(SessionsDbContext context, SessionRevision revision, CancellationToken cancellationToken)
    {
        // The revision and the session's current IR in one statement (the IR sent once); the counter trigger updates the
        // session row too, after the statement.
        var changedFields = revision.ChangedFields as string[] ?? revision.ChangedFields?.ToArray();
        var inserted = await context.Revisions.FromSql($"""
            WITH inserted AS (
                INSERT INTO session_revisions (id, session_id, revision_number, source, ir_content, validation_result,
                    changed_fields, change_summary, metadata)
                VALUES ({revision.Id}, {revision.SessionId}, {revision.RevisionNumber}, {SessionEnumText.ToText(revision.Source)},
                    {revision.IrContent}, {revision.ValidationResult}, {changedFields}, {revision.ChangeSummary}, {revision.Metadata})
                RETURNING *),
            current AS (UPDATE sessions SET current_ir = (SELECT ir_content FROM inserted) WHERE id = {revision.SessionId})
            SELECT * FROM inserted
            """).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return inserted[0];
    }

    private async Task<Session> CreateAsync(SessionSource source, string input, CreateSessionOptions? options, CancellationToken cancellationToken)
    {
        // Input first (validated once, with a placeholder owner), then the actor: the same order as every other write.
        var session = source == SessionSource.Code
            ? Session.StartFromCode(SessionStoreRules.ValidationSessionId, input, options?.Metadata)
            : Session.StartFromPrompt(SessionStoreRules.ValidationSessionId, input, options?.Metadata);
        session.AssignOwner(SessionStoreRules.OwnerOfNewSession(CurrentActor, options?.OwnerId));
        var sessionId = Guid.CreateVersion7();
        session.AssignId(sessionId);
        var write = new StoreWrite<Session>(
            source == SessionSource.Code ? "create_from_code" : "create_from_prompt",
            sessionId,
            WriteId: null,
            async (context, ct) => Found(await context.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, ct).ConfigureAwait(false)));
        return await RunStatementAsync(
            write,
            async context =>
            {
                var created = await context.Sessions.FromSql($"""
                    INSERT INTO sessions (id, user_id, status, source, original_input, metadata)
                    VALUES ({session.Id}, {session.UserId}, {SessionEnumText.ToText(session.Status)}, {SessionEnumText.ToText(session.Source)},
                        {session.OriginalInput}, {session.Metadata})
                    RETURNING *
                    """).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
                return created[0];
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

    private Task<Session> TransitionAsync(
        string operation, Guid sessionId, SessionStatus target, Action<Session> change, CancellationToken cancellationToken)
    {
        RequireWriter();

        // One statement: the transition is checked by the UPDATE itself (status in the statuses it may leave), and
        // finalized_at is never earlier than created_at. A clock before 1970 is clamped there, where created_at wins.
        var finalizing = target == SessionStatus.Finalized;
        var now = SessionStoreRules.ToMicroseconds(timeProvider.GetUtcNow());
        if (finalizing)
        {
            now = Guard.Timestamp(now < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : now, "finalized_at");
        }

        var targetText = SessionEnumText.ToText(target);
        var allowedFrom = Array.ConvertAll(Session.AllowedFrom(target), SessionEnumText.ToText);

        // Identified by the updated_at this call's UPDATE returned. When the answer itself was lost (the statement
        // commits with it), a session found in the target status counts as this call's transition: a transition is
        // idempotent, and one another caller made in the meantime leaves the same state behind.
        DateTimeOffset? written = null;
        var write = new StoreWrite<Session>(
            operation,
            sessionId,
            WriteId: null,
            async (context, ct) => Found(written is { } mine
                ? await context.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId && s.UpdatedAt == mine, ct).ConfigureAwait(false)
                : await context.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId && s.Status == target, ct).ConfigureAwait(false)));
        return RunStatementAsync(
            write,
            async context =>
            {
                for (var attempt = 1; ; attempt++)
                {
                    var updated = await context.Sessions
                        .FromSql($"""
                            UPDATE sessions
                            SET status = {targetText},
                                finalized_at = CASE WHEN {finalizing} THEN greatest({now}, created_at) ELSE finalized_at END
                            WHERE id = {sessionId} AND status = ANY({allowedFrom})
                            RETURNING *
                            """)
                        .AsNoTracking()
                        .ToListAsync(cancellationToken).ConfigureAwait(false);
                    if (updated.Count == 1)
                    {
                        written = updated[0].UpdatedAt;
                        return updated[0];
                    }

                    // Nothing changed: read the session only to say why, with the domain's own rule and message.
                    var current = await context.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken)
                        .ConfigureAwait(false) ?? throw new SessionNotFoundException(sessionId);
                    change(current);

                    // Another writer moved the session into a status this transition may leave after the UPDATE ran.
                    if (attempt == MaxAttempts)
                    {
                        throw new ConcurrencyConflictException(sessionId, current.UpdatedAt, current.UpdatedAt);
                    }
                }
            },
            cancellationToken);
    }

    private async Task<Page<Session>> ListAsync(
        Func<SessionsDbContext, Guid?, IAsyncEnumerable<Session>> query, PageRequest page, CancellationToken cancellationToken)
    {
        var actor = CurrentActor;
        if (actor.Kind == SessionActorKind.Anonymous)
        {
            return new Page<Session>([], page, HasMore: false);
        }

        var items = await RunAsync(
            async context =>
            {
                var list = new List<Session>(page.Limit + 1);
                await foreach (var session in query(context, actor.UserId).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(session);
                }

                return list;
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

    private Task<T> RunStatementAsync<T>(StoreWrite<T> write, Func<SessionsDbContext, Task<T>> operation, CancellationToken cancellationToken)
        => transactions.WriteStatementAsync(write, operation, cancellationToken);

    private static CompiledReads Compiled(SessionsDbContext context) => CompiledByModel.GetValue(context.Model, _ => new CompiledReads());

    private sealed record SnapshotRow(Session Session, SessionRevision? Revision, SessionDraft? Draft);

    /// <summary>The store's hot reads, compiled for one model.</summary>
    private sealed class CompiledReads
    {
        // The children are correlated on the parameter, not on s.Id: EF then filters before it numbers rows, instead of
        // numbering every revision of every session (ROW_NUMBER over the whole table).
        public readonly Func<SessionsDbContext, Guid, CancellationToken, Task<SnapshotRow?>> SnapshotOf = EF.CompileAsyncQuery(
            (SessionsDbContext context, Guid sessionId, CancellationToken _) => context.Sessions.AsNoTracking()
                .Where(s => s.Id == sessionId)
                .Select(s => new SnapshotRow(
                    s,
                    context.Revisions.Where(r => r.SessionId == sessionId).OrderByDescending(r => r.RevisionNumber).FirstOrDefault(),
                    context.Drafts.Where(d => d.SessionId == sessionId).OrderByDescending(d => d.DraftNumber).FirstOrDefault()))
                .SingleOrDefault());

        // Row-level security already limits a user to their own rows; saying so lets the planner use
        // idx_sessions_user_status instead of filtering every row through the policy.
        public readonly Func<SessionsDbContext, Guid, SessionStatus, int, int, IAsyncEnumerable<Session>> OwnSessionsByStatus = EF.CompileAsyncQuery(
            (SessionsDbContext context, Guid userId, SessionStatus status, int offset, int count) => context.Sessions.AsNoTracking()
                .Where(s => s.UserId == userId && s.Status == status)
                .OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id)
                .Skip(offset).Take(count));

        public readonly Func<SessionsDbContext, SessionStatus, int, int, IAsyncEnumerable<Session>> SessionsByStatus = EF.CompileAsyncQuery(
            (SessionsDbContext context, SessionStatus status, int offset, int count) => context.Sessions.AsNoTracking()
                .Where(s => s.Status == status)
                .OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id)
                .Skip(offset).Take(count));
    }
}
