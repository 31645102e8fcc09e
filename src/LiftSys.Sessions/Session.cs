using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// A prompt-refinement session (a row of <c>sessions</c>): where it started, its current IR and code, and its state.
/// Its history lives in <see cref="SessionRevision"/>, <see cref="SessionDraft"/> and <see cref="HoleResolution"/>
/// rows that reference it.
/// </summary>
/// <remarks>
/// <see cref="RevisionCount"/>, <see cref="DraftCount"/>, <see cref="HoleCount"/> and <see cref="UpdatedAt"/> are kept by
/// database triggers; <see cref="Id"/> is generated here so children can reference a session before it is saved, and
/// <see cref="CreatedAt"/> and <see cref="UpdatedAt"/> take the database's clock when the row is inserted.
/// </remarks>
public sealed class Session
{
    private Session()
    {
        OriginalInput = null!;
    }

    private Session(Guid userId, SessionSource source, string originalInput, JsonElement? metadata)
    {
        if (userId == Guid.Empty)
        {
            throw new SessionValidationException("user_id", ValidationRule.Required, "user_id must not be the empty GUID.");
        }

        Id = Guid.CreateVersion7();
        UserId = userId;
        Status = SessionStatus.Active;
        Source = Guard.Defined(source, "source");
        OriginalInput = Guard.NotEmpty(originalInput, "original_input");
        Metadata = Guard.Json(metadata, "metadata", JsonValueKind.Object) ?? JsonDefaults.EmptyObject;
    }

    /// <summary>Gets the session's identifier (<c>id</c>).</summary>
    public Guid Id { get; private set; }

    /// <summary>Gets the owner of the session (<c>user_id</c>); row-level security compares it with <c>auth.uid()</c>.</summary>
    public Guid UserId { get; private set; }

    /// <summary>Gets the lifecycle state (<c>status</c>).</summary>
    public SessionStatus Status { get; private set; }

    /// <summary>Gets how the session was started (<c>source</c>): from a prompt or from code.</summary>
    public SessionSource Source { get; private set; }

    /// <summary>Gets the prompt or code the session started from (<c>original_input</c>); never empty.</summary>
    public string OriginalInput { get; private set; }

    /// <summary>Gets the latest IR snapshot (<c>current_ir</c>), or <see langword="null"/> before the first revision.</summary>
    public JsonElement? CurrentIr { get; private set; }

    /// <summary>Gets the latest generated code (<c>current_code</c>), or <see langword="null"/> before the first draft.</summary>
    public string? CurrentCode { get; private set; }

    /// <summary>Gets the number of revisions (<c>revision_count</c>), kept by a database trigger.</summary>
    public int RevisionCount { get; private set; }

    /// <summary>Gets the number of drafts (<c>draft_count</c>), kept by a database trigger.</summary>
    public int DraftCount { get; private set; }

    /// <summary>Gets the number of hole resolutions (<c>hole_count</c>), kept by a database trigger.</summary>
    public int HoleCount { get; private set; }

    /// <summary>
    /// Gets additional metadata (<c>metadata</c>): a JSON object. Sessions created by the library start with <c>{}</c>;
    /// it is <see langword="null"/> only for a row another client wrote with an explicit NULL.
    /// </summary>
    public JsonElement? Metadata { get; private set; }

    /// <summary>Gets when the session was created (<c>created_at</c>, UTC), set by the database.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Gets when the session last changed (<c>updated_at</c>, UTC), set by the database.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Gets when the session was finalized (<c>finalized_at</c>, UTC), or <see langword="null"/> if it was not.</summary>
    public DateTimeOffset? FinalizedAt { get; private set; }

    /// <summary>Starts a session in forward mode, from a natural-language prompt.</summary>
    /// <param name="userId">The owner; must not be <see cref="Guid.Empty"/>.</param>
    /// <param name="prompt">The prompt; not empty, no NUL characters, at most 1 MiB.</param>
    /// <param name="metadata">Optional metadata; a JSON object. Defaults to <c>{}</c>.</param>
    /// <returns>An <see cref="SessionStatus.Active"/> session with a new identifier.</returns>
    /// <exception cref="SessionValidationException">An argument breaks one of the rules above.</exception>
    public static Session StartFromPrompt(Guid userId, string prompt, JsonElement? metadata = null)
        => new(userId, SessionSource.Prompt, prompt, metadata);

    /// <summary>Starts a session in reverse mode, from existing code.</summary>
    /// <param name="userId">The owner; must not be <see cref="Guid.Empty"/>.</param>
    /// <param name="code">The code; not empty, no NUL characters, at most 1 MiB.</param>
    /// <param name="metadata">Optional metadata; a JSON object. Defaults to <c>{}</c>.</param>
    /// <returns>An <see cref="SessionStatus.Active"/> session with a new identifier.</returns>
    /// <exception cref="SessionValidationException">An argument breaks one of the rules above.</exception>
    public static Session StartFromCode(Guid userId, string code, JsonElement? metadata = null)
        => new(userId, SessionSource.Code, code, metadata);

    /// <summary>Records a new current IR (<c>current_ir</c>).</summary>
    /// <param name="ir">The IR; a JSON object.</param>
    /// <exception cref="SessionValidationException">The IR is not an object, or the session is finalized.</exception>
    public void SetCurrentIr(JsonElement ir)
    {
        EnsureNotFinalized("current_ir");
        CurrentIr = Guard.Json(ir, "current_ir", JsonValueKind.Object);
    }

    /// <summary>Records new current code (<c>current_code</c>).</summary>
    /// <param name="code">The code; not empty, no NUL characters.</param>
    /// <exception cref="SessionValidationException">The code is empty, or the session is finalized.</exception>
    public void SetCurrentCode(string code)
    {
        EnsureNotFinalized("current_code");
        CurrentCode = Guard.NotEmpty(code, "current_code");
    }

    /// <summary>Replaces the session's metadata.</summary>
    /// <param name="metadata">A JSON object.</param>
    /// <exception cref="SessionValidationException"><paramref name="metadata"/> is not an object.</exception>
    public void ReplaceMetadata(JsonElement metadata) => Metadata = Guard.Json(metadata, "metadata", JsonValueKind.Object);

    /// <summary>Puts an active session aside.</summary>
    /// <exception cref="SessionValidationException">The session is not <see cref="SessionStatus.Active"/>.</exception>
    public void Pause() => MoveTo(SessionStatus.Paused);

    /// <summary>Takes up a paused session again.</summary>
    /// <exception cref="SessionValidationException">The session is not <see cref="SessionStatus.Paused"/>.</exception>
    public void Resume() => MoveTo(SessionStatus.Active);

    /// <summary>Marks an active or paused session as failed.</summary>
    /// <exception cref="SessionValidationException">The session is finalized or already in error.</exception>
    public void MarkError() => MoveTo(SessionStatus.Error);

    /// <summary>Completes an active or paused session and stamps <see cref="FinalizedAt"/>.</summary>
    /// <param name="finalizedAt">
    /// When it was finalized; stored as UTC, from 1970-01-01T00:00:00Z up to (not including) 9999-01-01T00:00:00Z, and
    /// not earlier than <see cref="CreatedAt"/> once known. The range keeps out <see cref="DateTimeOffset.MaxValue"/>
    /// and <see cref="DateTimeOffset.MinValue"/>, which Npgsql stores as PostgreSQL's <c>infinity</c> and
    /// <c>-infinity</c>, on which the analytics views' date arithmetic fails.
    /// </param>
    /// <exception cref="SessionValidationException">
    /// The time is outside the range (field <c>finalized_at</c>, <see cref="ValidationRule.Range"/>) or before the
    /// session's creation (<see cref="ValidationRule.Chronology"/>), or the session is finalized or in error.
    /// </exception>
    public void MarkFinalized(DateTimeOffset finalizedAt)
    {
        var utc = Guard.Timestamp(finalizedAt, "finalized_at");
        if (CreatedAt != default && utc < CreatedAt)
        {
            throw new SessionValidationException(
                "finalized_at", ValidationRule.Chronology, $"finalized_at ({utc:O}) must not be earlier than created_at ({CreatedAt:O}).");
        }

        MoveTo(SessionStatus.Finalized);
        FinalizedAt = utc;
    }

    /// <summary>
    /// The statuses from which a session may move to <paramref name="target"/> (its state machine: active and paused
    /// alternate; either may end as finalized or in error; nothing leaves finalized or error), for a store that checks
    /// the transition in its own UPDATE.
    /// </summary>
    internal static SessionStatus[] AllowedFrom(SessionStatus target) => target switch
    {
        SessionStatus.Paused => [SessionStatus.Active],
        SessionStatus.Active => [SessionStatus.Paused],
        _ => [SessionStatus.Active, SessionStatus.Paused],
    };

    /// <summary>Returns a detached copy, for a store that must not hand out the instance it keeps.</summary>
    internal Session Copy() => (Session)MemberwiseClone();

    /// <summary>
    /// Gives the session the id a store fixed for the whole call, so that every attempt of one write (after a dropped
    /// connection, a retry) writes the same row and an attempt that did commit can be found by it.
    /// </summary>
    internal void AssignId(Guid id) => Id = id;

    /// <summary>
    /// Gives a session validated with a placeholder owner its real one, decided after its input was validated, so that
    /// bad input is reported before the actor's right to create (and validated once).
    /// </summary>
    internal void AssignOwner(Guid userId) =>
        UserId = userId != Guid.Empty
            ? userId
            : throw new SessionValidationException("user_id", ValidationRule.Required, "user_id must not be the empty GUID.");

    /// <summary>Sets the times the database sets on insert: <c>created_at</c> and <c>updated_at</c> alike.</summary>
    internal void StampCreated(DateTimeOffset createdAt)
    {
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    /// <summary>Sets <c>updated_at</c>, as the database's update trigger does.</summary>
    internal void StampUpdated(DateTimeOffset updatedAt) => UpdatedAt = updatedAt;

    /// <summary>Sets the counters the database's triggers keep.</summary>
    internal void SetChildCounts(int revisionCount, int draftCount, int holeCount)
    {
        RevisionCount = revisionCount;
        DraftCount = draftCount;
        HoleCount = holeCount;
    }

    /// <summary>
    /// Takes the columns a caller may change through the public methods (status, finalized time, current IR and code,
    /// metadata) from <paramref name="changed"/>; identity, origin, counters and times stay as they are.
    /// </summary>
    internal void ApplyEditableState(Session changed)
    {
        Status = changed.Status;
        FinalizedAt = changed.FinalizedAt;
        CurrentIr = changed.CurrentIr;
        CurrentCode = changed.CurrentCode;
        Metadata = changed.Metadata;
    }

    private void EnsureNotFinalized(string field)
    {
        if (Status == SessionStatus.Finalized)
        {
            throw new SessionValidationException(
                field, ValidationRule.StatusTransition, $"{field} cannot change: the session is finalized.");
        }
    }

    private void MoveTo(SessionStatus target)
    {
        var allowedFrom = AllowedFrom(target);
        if (Array.IndexOf(allowedFrom, Status) < 0)
        {
            throw new SessionValidationException(
                "status",
                ValidationRule.StatusTransition,
                $"status cannot change from {SessionEnumText.ToText(Status)} to {SessionEnumText.ToText(target)}; "
                + $"allowed from {string.Join(" or ", allowedFrom.Select(SessionEnumText.ToText))}.");
        }

        Status = target;
    }
}
