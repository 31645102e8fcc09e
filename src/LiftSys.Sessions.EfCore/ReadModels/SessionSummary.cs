namespace LiftSys.Sessions.EfCore.ReadModels;

/// <summary>
/// A row of the <c>session_summary</c> view: a session's own bookkeeping columns and aggregates over its revisions and
/// drafts, for dashboards. Read through <see cref="SessionsDbContext.SessionSummaries"/>.
/// </summary>
/// <remarks>
/// The view leaves out the session's content (<c>original_input</c>, <c>current_ir</c>, <c>current_code</c>,
/// <c>metadata</c>), each of which may be up to 1 MiB; load the <see cref="Session"/> for those. It is created with
/// <c>security_invoker</c>, so row-level security applies: a signed-in user sees only their own sessions.
/// </remarks>
public sealed class SessionSummary
{
    private SessionSummary()
    {
    }

    /// <summary>Gets the session's identifier (<c>id</c>).</summary>
    public Guid Id { get; private set; }

    /// <summary>Gets the owner of the session (<c>user_id</c>).</summary>
    public Guid UserId { get; private set; }

    /// <summary>Gets the lifecycle state (<c>status</c>).</summary>
    public SessionStatus Status { get; private set; }

    /// <summary>Gets how the session was started (<c>source</c>).</summary>
    public SessionSource Source { get; private set; }

    /// <summary>Gets the number of revisions (<c>revision_count</c>, kept by a trigger).</summary>
    public int RevisionCount { get; private set; }

    /// <summary>Gets the number of drafts (<c>draft_count</c>, kept by a trigger).</summary>
    public int DraftCount { get; private set; }

    /// <summary>Gets the number of hole resolutions (<c>hole_count</c>, kept by a trigger).</summary>
    public int HoleCount { get; private set; }

    /// <summary>Gets when the session was created (<c>created_at</c>, UTC).</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Gets when the session last changed (<c>updated_at</c>, UTC).</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Gets when the session was finalized (<c>finalized_at</c>, UTC), or <see langword="null"/>.</summary>
    public DateTimeOffset? FinalizedAt { get; private set; }

    /// <summary>
    /// Gets the highest revision number (<c>latest_revision_number</c>), or <see langword="null"/> when the session has
    /// no revision.
    /// </summary>
    public int? LatestRevisionNumber { get; private set; }

    /// <summary>
    /// Gets the highest draft number (<c>latest_draft_number</c>), or <see langword="null"/> when the session has no
    /// draft.
    /// </summary>
    public int? LatestDraftNumber { get; private set; }

    /// <summary>
    /// Gets whether the draft with the highest number is both syntax- and AST-valid (<c>latest_draft_valid</c>), or
    /// <see langword="null"/> when the session has no draft.
    /// </summary>
    public bool? LatestDraftValid { get; private set; }

    /// <summary>
    /// Gets the sum of the drafts' <c>generation_time_ms</c> (<c>total_generation_time_ms</c>); drafts without a time
    /// add nothing, and a session without drafts has 0.
    /// </summary>
    public long TotalGenerationTimeMs { get; private set; }

    /// <summary>
    /// Gets the sum of the drafts' <c>llm_cost_usd</c> (<c>total_llm_cost_usd</c>), exact (numeric with the costs' 6
    /// decimals); drafts without a cost add nothing, and a session without drafts has 0.
    /// </summary>
    public decimal TotalLlmCostUsd { get; private set; }

    /// <summary>
    /// Gets the sum of the drafts' <c>llm_tokens_used</c> (<c>total_llm_tokens_used</c>); drafts without a count add
    /// nothing, and a session without drafts has 0.
    /// </summary>
    public long TotalLlmTokensUsed { get; private set; }

    /// <summary>
    /// Gets <c>updated_at − created_at</c> in seconds (<c>session_duration_seconds</c>), exact to the microsecond.
    /// </summary>
    public decimal SessionDurationSeconds { get; private set; }

    /// <summary>
    /// Gets <c>finalized_at − created_at</c> in seconds (<c>time_to_finalization_seconds</c>), exact to the
    /// microsecond, or <see langword="null"/> when the session was not finalized.
    /// </summary>
    public decimal? TimeToFinalizationSeconds { get; private set; }
}
