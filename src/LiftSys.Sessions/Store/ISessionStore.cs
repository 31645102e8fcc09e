using System.Text.Json;
using LiftSys.Sessions.Security;

namespace LiftSys.Sessions;

/// <summary>
/// Stores prompt-refinement sessions with their history: the operations of the spec's <c>SessionStore</c> and
/// <c>SpecSessionManager</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Who is acting</b> is never a parameter. A store reads it, for every call, from an active
/// <see cref="SessionActorScope"/>, else from the <see cref="ISessionActorAccessor"/> it was constructed with:
/// a user sees and changes only their own sessions; the service role sees and changes every session; nobody
/// (<see cref="SessionActor.Anonymous"/>) sees nothing and changes nothing. Reads fail closed by returning
/// <see langword="null"/> or nothing; a write by nobody throws <see cref="SessionAccessDeniedException"/>; a write to a
/// session that does not exist or that the actor may not see throws <see cref="SessionNotFoundException"/>, the same
/// exception in both cases, so existence does not leak.
/// </para>
/// <para>
/// <b>Every operation is atomic</b>: it is applied whole or not at all, and two operations on one session never
/// interleave (a revision append allocates its number and moves <c>current_ir</c> in the same step). Input is checked
/// first, before the actor, the session or anything stored is looked at: bad input throws
/// <see cref="SessionValidationException"/> naming the field and the rule, and nothing is written. Then comes the actor
/// (<see cref="SessionAccessDeniedException"/>), then the session (<see cref="SessionNotFoundException"/>), then its state.
/// </para>
/// <para>
/// <b>What input is accepted</b> is what PostgreSQL stores exactly: every text has no NUL character and no unpaired
/// UTF-16 surrogate (<see cref="ValidationRule.NoNulCharacter"/>, <see cref="ValidationRule.ValidUnicode"/>) and is at
/// most 1 MiB long; every JSON value is at most 1 MiB of text, nests objects and arrays at most 64 deep
/// (<see cref="ValidationRule.MaxDepth"/>), has strings and property names that follow the text rules, and numbers
/// that PostgreSQL's <c>numeric</c> holds (at most 131072 digits before the point and 16383 after it,
/// <see cref="ValidationRule.Range"/>); a timestamp is from 1970-01-01 up to, not including, 9999-01-01 UTC. What is
/// read is not held to these limits: a row another client wrote (deeper JSON, for example) is read back as it is.
/// </para>
/// <para>
/// <b>Every write advances <see cref="Session.UpdatedAt"/></b> of the session it touches, children included (a new
/// revision, draft or hole resolution changes the session's current IR, code or counters). <see cref="Session.UpdatedAt"/>
/// is the optimistic concurrency token of <see cref="UpdateAsync"/>. Times are UTC with microsecond precision, as
/// PostgreSQL's <c>timestamptz</c> keeps them.
/// </para>
/// <para>
/// Sessions returned are detached copies: changing one changes nothing stored until it is passed to
/// <see cref="UpdateAsync"/>. Revisions, drafts and hole resolutions have no public setters and are never changed once
/// stored; history is only ever appended to, and leaves only when its session is deleted.
/// </para>
/// <para>
/// <b>Failures are the library's own.</b> Every exception an operation throws derives from
/// <see cref="LiftSysSessionsException"/>, except <see cref="OperationCanceledException"/> when the caller cancels and
/// <see cref="ArgumentNullException"/> for a <see langword="null"/> argument. Besides the refusals each method lists,
/// a store backed by a database throws <see cref="SessionStoreUnavailableException"/> (the database cannot be reached or
/// cannot serve now; transient, with a <see cref="SessionStoreUnavailableException.RetryAfter"/> hint),
/// <see cref="SessionStoreTimeoutException"/> (a time limit was reached; <see cref="SessionStoreTimeoutException.Limit"/>
/// says which) and <see cref="SessionStoreFailureException"/> (anything else the database reported), each with the
/// cause as <see cref="Exception.InnerException"/>. None of them leaves a write half done.
/// </para>
/// <para>
/// <b>Every write takes effect at most once, and a write that took effect is reported as done.</b> A store retries
/// transient failures itself; when the connection fails while a write commits, the store finds out whether it was
/// stored before trying again and returns the stored result. When it cannot find out, a write throws
/// <see cref="SessionWriteOutcomeUnknownException"/>: the write is then stored once or not at all, and the caller
/// should read before repeating it. A status change (<see cref="PauseAsync"/>, <see cref="FinalizeAsync"/>, …) or an
/// update counts as this call's own only when the stored row still carries the <c>updated_at</c> the write produced;
/// a delete counts as done when the session is gone.
/// </para>
/// </remarks>
public interface ISessionStore
{
    /// <summary>Creates a session in forward mode, from a natural-language prompt.</summary>
    /// <param name="prompt">The prompt (<c>original_input</c>): not empty or white space, no NUL characters, at most 1 MiB.</param>
    /// <param name="options">The owner and metadata; <see langword="null"/> for the acting user and <c>{}</c>.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written when it is cancelled before it completes.</param>
    /// <returns>The stored session: <see cref="SessionStatus.Active"/>, source <see cref="SessionSource.Prompt"/>, no revisions or drafts, <see cref="Session.CreatedAt"/> equal to <see cref="Session.UpdatedAt"/>.</returns>
    /// <exception cref="SessionValidationException">The prompt or metadata breaks a rule, or the service role named no owner (field <c>user_id</c>, <see cref="ValidationRule.Required"/>).</exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting, or a user named another user as owner.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<Session> CreateFromPromptAsync(string prompt, CreateSessionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a session in reverse mode, from existing code.</summary>
    /// <param name="code">The code (<c>original_input</c>): not empty or white space, no NUL characters, at most 1 MiB.</param>
    /// <param name="options">The owner and metadata; <see langword="null"/> for the acting user and <c>{}</c>.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written when it is cancelled before it completes.</param>
    /// <returns>The stored session: <see cref="SessionStatus.Active"/>, source <see cref="SessionSource.Code"/>.</returns>
    /// <exception cref="SessionValidationException">The code or metadata breaks a rule, or the service role named no owner.</exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting, or a user named another user as owner.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<Session> CreateFromCodeAsync(string code, CreateSessionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a session with its latest revision and latest draft, all as of one moment.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The snapshot, or <see langword="null"/> when the session does not exist or the actor may not see it.</returns>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient).</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout).</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the read for another reason.</exception>
    Task<SessionSnapshot?> GetAsync(Guid sessionId, CancellationToken cancellationToken = default);

    /// <summary>Reads a session with every revision, draft and hole resolution recorded in it, all as of one moment.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The history, or <see langword="null"/> when the session does not exist or the actor may not see it.</returns>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient).</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout).</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the read for another reason.</exception>
    Task<SessionHistory?> GetHistoryAsync(Guid sessionId, CancellationToken cancellationToken = default);

    /// <summary>Lists the actor's <see cref="SessionStatus.Active"/> sessions, most recently updated first.</summary>
    /// <param name="page">Which slice to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>
    /// The page, ordered by <see cref="Session.UpdatedAt"/> descending, then <see cref="Session.Id"/> descending; every
    /// user's sessions for the service role, the user's own for a user, and an empty page for nobody.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="page"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient).</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout).</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the read for another reason.</exception>
    Task<Page<Session>> ListActiveAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Lists the actor's sessions in one status, most recently updated first.</summary>
    /// <param name="status">The status.</param>
    /// <param name="page">Which slice to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page, ordered and limited to the actor as in <see cref="ListActiveAsync"/>.</returns>
    /// <exception cref="SessionValidationException"><paramref name="status"/> is not a defined value (field <c>status</c>).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="page"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient).</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout).</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the read for another reason.</exception>
    Task<Page<Session>> ListByStatusAsync(SessionStatus status, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the actor's sessions whose current IR or metadata contains a JSON object, with PostgreSQL's
    /// <c>jsonb @&gt;</c> semantics: every key of <paramref name="contains"/> is present with a contained value, array
    /// elements match in any order and regardless of duplicates, numbers compare by value.
    /// </summary>
    /// <param name="target">The column to match against.</param>
    /// <param name="contains">The JSON object that must be contained, held to the same rules as a stored JSON value.</param>
    /// <param name="page">Which slice to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The matching sessions in any status, ordered and limited to the actor as in <see cref="ListActiveAsync"/>.</returns>
    /// <exception cref="SessionValidationException">
    /// <paramref name="target"/> is not defined (field <c>target</c>), or <paramref name="contains"/> is not a JSON
    /// object or breaks a JSON rule (field <c>current_ir</c> or <c>metadata</c>).
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="page"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient).</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout).</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the read for another reason.</exception>
    Task<Page<Session>> SearchAsync(
        SessionSearchTarget target, JsonElement contains, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Reads a session's activity timeline: its creation and every revision, draft and hole resolution.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>
    /// The events, oldest first (by <see cref="SessionActivity.EventTime"/>; at equal times the session's creation first,
    /// then revisions, drafts and hole resolutions, each in creation order); empty when the session does not exist or
    /// the actor may not see it.
    /// </returns>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient).</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout).</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the read for another reason.</exception>
    Task<IReadOnlyList<SessionActivity>> GetTimelineAsync(Guid sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a changed session, unless it changed since the caller read it: <see cref="Session.UpdatedAt"/> of
    /// <paramref name="session"/> is the token, and it must still be the stored one (the spec's optimistic locking via
    /// <c>updated_at</c>).
    /// </summary>
    /// <param name="session">
    /// A copy read from this store and changed with the <see cref="Session"/> methods. Its status, finalized time,
    /// current IR, current code and metadata are written; the counters are the store's and are never taken from it.
    /// It is not changed itself: its token is stale afterwards, so use the returned session for the next update.
    /// </param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written when it is cancelled before it completes.</param>
    /// <returns>The stored session, with a new <see cref="Session.UpdatedAt"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="ConcurrencyConflictException">The session was written after the caller's copy was read; nothing was written.</exception>
    /// <remarks>Writing <c>current_ir</c> here records no history; use <see cref="AppendRevisionAsync"/> for that.</remarks>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<Session> UpdateAsync(Session session, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a revision to a session's history and makes its IR the session's <c>current_ir</c>, in one step. The
    /// store allocates the next number (1, 2, 3… without gaps, also under concurrent appends) and computes
    /// <c>changed_fields</c> with <see cref="IrDiff.ChangedFields"/> against the IR of the revision before it.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="source">What produced the revision.</param>
    /// <param name="irContent">The IR: a JSON object, no NUL characters, at most 1 MiB.</param>
    /// <param name="details">The validation result, change summary and metadata; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written when it is cancelled before it completes.</param>
    /// <returns>The stored revision.</returns>
    /// <exception cref="SessionValidationException">
    /// An argument breaks a rule (fields <c>source</c>, <c>ir_content</c>, <c>validation_result</c>,
    /// <c>change_summary</c>, <c>metadata</c>), or the session is finalized (field <c>status</c>,
    /// <see cref="ValidationRule.StatusTransition"/>).
    /// </exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<SessionRevision> AppendRevisionAsync(
        Guid sessionId,
        RevisionSource source,
        JsonElement irContent,
        SessionRevisionDetails? details = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a code-generation attempt and makes its code the session's <c>current_code</c>, in one step. The store
    /// allocates the next draft number (1, 2, 3… without gaps).
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="source">What produced the draft.</param>
    /// <param name="codeContent">The code: not empty, no NUL characters, at most 1 MiB.</param>
    /// <param name="details">Language, validity, errors, timings, tokens, cost, metadata and the IR revision it came from; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written when it is cancelled before it completes.</param>
    /// <returns>The stored draft.</returns>
    /// <exception cref="SessionValidationException">
    /// An argument breaks a rule (negative timings, tokens or cost, a cost beyond <c>numeric(10, 6)</c>, …), or the
    /// session is finalized (field <c>status</c>).
    /// </exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="SessionRevisionNotFoundException">The IR revision given is not a revision of this session.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<SessionDraft> AddDraftAsync(
        Guid sessionId,
        DraftSource source,
        string codeContent,
        SessionDraftDetails? details = null,
        CancellationToken cancellationToken = default);

    /// <summary>Records how a typed hole was filled. Concurrent resolutions of different holes of one session all succeed.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="holeId">The hole's identifier within the IR: not empty, no NUL characters, at most <see cref="HoleResolution.MaxHoleIdLength"/> characters.</param>
    /// <param name="holeType">The hole's category.</param>
    /// <param name="method">How the hole was filled.</param>
    /// <param name="resolvedValue">The value or type it was filled with: any JSON value.</param>
    /// <param name="details">Confidence (0..1), original hole data, suggestions, feedback, metadata and the IR revision; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written when it is cancelled before it completes.</param>
    /// <returns>The stored resolution.</returns>
    /// <exception cref="SessionValidationException">An argument breaks a rule, or the session is finalized (field <c>status</c>).</exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="SessionRevisionNotFoundException">The IR revision given is not a revision of this session.</exception>
    /// <exception cref="DuplicateHoleResolutionException">The hole is already resolved in the same IR revision.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<HoleResolution> ResolveHoleAsync(
        Guid sessionId,
        string holeId,
        HoleType holeType,
        ResolutionMethod method,
        JsonElement resolvedValue,
        HoleResolutionDetails? details = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Rolls a session back to an earlier IR without rewriting history: appends a new revision carrying revision
    /// <paramref name="revisionNumber"/>'s IR, exactly as <see cref="AppendRevisionAsync"/> would (next number,
    /// <c>changed_fields</c> against the latest revision, <c>current_ir</c> moved), with source
    /// <see cref="RevisionSource.Repair"/>, change summary <c>Rolled back to revision N.</c> and metadata
    /// <c>{"rolled_back_to_revision": N, "rolled_back_to_revision_id": "…"}</c>. Every existing revision is left as it was.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="revisionNumber">The revision whose IR to restore; may be the latest, which appends an unchanged copy.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written when it is cancelled before it completes.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="SessionValidationException"><paramref name="revisionNumber"/> is not positive, or the session is finalized.</exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="SessionRevisionNotFoundException">The session has no revision <paramref name="revisionNumber"/>.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<SessionRevision> RollbackToRevisionAsync(Guid sessionId, int revisionNumber, CancellationToken cancellationToken = default);

    /// <summary>Puts an active session aside (<see cref="Session.Pause"/>), whatever copy the caller holds.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored session.</returns>
    /// <exception cref="SessionValidationException">The session is not active (field <c>status</c>, <see cref="ValidationRule.StatusTransition"/>); nothing was written.</exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<Session> PauseAsync(Guid sessionId, CancellationToken cancellationToken = default);

    /// <summary>Takes up a paused session again (<see cref="Session.Resume"/>).</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored session.</returns>
    /// <exception cref="SessionValidationException">The session is not paused; nothing was written.</exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<Session> ResumeAsync(Guid sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes an active or paused session (<see cref="Session.MarkFinalized"/>): sets its status to
    /// <see cref="SessionStatus.Finalized"/> and <see cref="Session.FinalizedAt"/> to the store's
    /// <see cref="TimeProvider"/> now, truncated to microseconds, or to <see cref="Session.CreatedAt"/> when that clock
    /// is behind the database's (a finalized time never precedes the creation). A finalized session takes no new
    /// revision, draft or hole resolution.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored session.</returns>
    /// <exception cref="SessionValidationException">The session is finalized or in error; nothing was written.</exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<Session> FinalizeAsync(Guid sessionId, CancellationToken cancellationToken = default);

    /// <summary>Marks an active or paused session as failed (<see cref="Session.MarkError"/>).</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored session.</returns>
    /// <exception cref="SessionValidationException">The session is finalized or already in error; nothing was written.</exception>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task<Session> MarkErrorAsync(Guid sessionId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a session with every revision, draft and hole resolution recorded in it.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is deleted when it is cancelled before it completes.</param>
    /// <returns>A task that completes when the session and its children are gone.</returns>
    /// <exception cref="SessionAccessDeniedException">Nobody is acting.</exception>
    /// <exception cref="SessionNotFoundException">The session does not exist or the actor may not see it.</exception>
    /// <exception cref="SessionStoreUnavailableException">The database cannot be reached or cannot serve now (transient); nothing was written.</exception>
    /// <exception cref="SessionStoreTimeoutException">A time limit was reached (command, pool, lock or statement timeout); nothing was written.</exception>
    /// <exception cref="SessionWriteOutcomeUnknownException">The connection failed while committing and the store could not find out whether the write was stored; it was stored once or not at all.</exception>
    /// <exception cref="SessionStoreFailureException">The database failed the write for another reason; nothing was written.</exception>
    Task DeleteAsync(Guid sessionId, CancellationToken cancellationToken = default);
}
