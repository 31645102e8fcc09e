namespace LiftSys.Sessions.EfCore.ReadModels;

/// <summary>
/// A row of the <c>user_analytics</c> view: one user's usage across all of their sessions. A user without sessions
/// has no row. Read through <see cref="SessionsDbContext.UserAnalytics"/>.
/// </summary>
/// <remarks>
/// The view is created with <c>security_invoker</c>, so row-level security applies: a signed-in user sees only their
/// own row, the service role sees every user's.
/// </remarks>
public sealed class UserAnalytics
{
    private UserAnalytics()
    {
    }

    /// <summary>Gets the user (<c>user_id</c>).</summary>
    public Guid UserId { get; private set; }

    /// <summary>Gets the number of sessions (<c>total_sessions</c>); at least 1.</summary>
    public long TotalSessions { get; private set; }

    /// <summary>Gets the number of sessions whose status is <c>finalized</c> (<c>finalized_sessions</c>).</summary>
    public long FinalizedSessions { get; private set; }

    /// <summary>Gets the number of sessions whose status is <c>active</c> (<c>active_sessions</c>).</summary>
    public long ActiveSessions { get; private set; }

    /// <summary>
    /// Gets the number of sessions whose status is <c>paused</c> (<c>paused_sessions</c>; not in the spec's list, added
    /// so the four status counts add up to <see cref="TotalSessions"/>).
    /// </summary>
    public long PausedSessions { get; private set; }

    /// <summary>Gets the number of sessions whose status is <c>error</c> (<c>error_sessions</c>).</summary>
    public long ErrorSessions { get; private set; }

    /// <summary>Gets the number of revisions across the sessions (<c>total_revisions</c>).</summary>
    public long TotalRevisions { get; private set; }

    /// <summary>Gets the number of drafts across the sessions (<c>total_drafts</c>).</summary>
    public long TotalDrafts { get; private set; }

    /// <summary>
    /// Gets <see cref="TotalRevisions"/> / <see cref="TotalSessions"/> (<c>avg_revisions_per_session</c>), rounded to 2
    /// decimals, halves away from zero.
    /// </summary>
    public decimal AvgRevisionsPerSession { get; private set; }

    /// <summary>
    /// Gets <see cref="TotalDrafts"/> / <see cref="TotalSessions"/> (<c>avg_drafts_per_session</c>), rounded to 2
    /// decimals, halves away from zero.
    /// </summary>
    public decimal AvgDraftsPerSession { get; private set; }

    /// <summary>Gets when the user's first session was created (<c>first_session_at</c>, UTC).</summary>
    public DateTimeOffset FirstSessionAt { get; private set; }

    /// <summary>Gets when the user's latest session was created (<c>last_session_at</c>, UTC).</summary>
    public DateTimeOffset LastSessionAt { get; private set; }

    /// <summary>
    /// Gets the sum of <c>llm_cost_usd</c> over all the user's drafts (<c>total_llm_cost_usd</c>); drafts without a
    /// cost add nothing, so it is 0 for a user without drafts.
    /// </summary>
    public decimal TotalLlmCostUsd { get; private set; }

    /// <summary>
    /// Gets the sum of <c>llm_tokens_used</c> over all the user's drafts (<c>total_llm_tokens_used</c>); 0 for a user
    /// without drafts.
    /// </summary>
    public long TotalLlmTokensUsed { get; private set; }

    /// <summary>
    /// Gets the average of <c>finalized_at − created_at</c> in seconds over the sessions that have a
    /// <c>finalized_at</c> (<c>avg_time_to_finalization_seconds</c>), rounded to 6 decimals (microseconds), or
    /// <see langword="null"/> when none has.
    /// </summary>
    public decimal? AvgTimeToFinalizationSeconds { get; private set; }
}
