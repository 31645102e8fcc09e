namespace LiftSys.Sessions.EfCore.ReadModels;

/// <summary>
/// A row of the <c>draft_validation_stats</c> view: code-generation success rates and timings of one session. Every
/// session has a row, one without drafts too (its counts are 0, its percentages and averages <see langword="null"/>).
/// Read through <see cref="SessionsDbContext.DraftValidationStats"/>.
/// </summary>
/// <remarks>
/// Percentages are <c>100 × count / total_drafts</c> and averages are over the drafts that have a value, both numeric
/// rounded to 2 decimals, halves away from zero. The view is created with <c>security_invoker</c>, so row-level
/// security applies: a signed-in user sees only their own sessions.
/// </remarks>
public sealed class DraftValidationStats
{
    private DraftValidationStats()
    {
    }

    /// <summary>Gets the session (<c>session_id</c>).</summary>
    public Guid SessionId { get; private set; }

    /// <summary>Gets the session's owner (<c>user_id</c>).</summary>
    public Guid UserId { get; private set; }

    /// <summary>Gets the number of drafts (<c>total_drafts</c>).</summary>
    public long TotalDrafts { get; private set; }

    /// <summary>Gets the number of drafts with valid syntax (<c>syntax_valid_count</c>).</summary>
    public long SyntaxValidCount { get; private set; }

    /// <summary>Gets the number of drafts with a valid AST (<c>ast_valid_count</c>).</summary>
    public long AstValidCount { get; private set; }

    /// <summary>Gets the number of drafts valid in both respects (<c>fully_valid_count</c>).</summary>
    public long FullyValidCount { get; private set; }

    /// <summary>
    /// Gets the percentage of drafts with valid syntax, 0–100 (<c>syntax_valid_percent</c>), or
    /// <see langword="null"/> when the session has no draft.
    /// </summary>
    public decimal? SyntaxValidPercent { get; private set; }

    /// <summary>
    /// Gets the percentage of drafts with a valid AST, 0–100 (<c>ast_valid_percent</c>), or <see langword="null"/>
    /// when the session has no draft.
    /// </summary>
    public decimal? AstValidPercent { get; private set; }

    /// <summary>
    /// Gets the percentage of drafts valid in both respects, 0–100 (<c>fully_valid_percent</c>), or
    /// <see langword="null"/> when the session has no draft.
    /// </summary>
    public decimal? FullyValidPercent { get; private set; }

    /// <summary>
    /// Gets the average <c>generation_time_ms</c> over the drafts that have one (<c>avg_generation_time_ms</c>), or
    /// <see langword="null"/> when none has.
    /// </summary>
    public decimal? AvgGenerationTimeMs { get; private set; }

    /// <summary>
    /// Gets the average <c>validation_time_ms</c> over the drafts that have one (<c>avg_validation_time_ms</c>), or
    /// <see langword="null"/> when none has.
    /// </summary>
    public decimal? AvgValidationTimeMs { get; private set; }

    /// <summary>
    /// Gets the sum of the drafts' <c>llm_cost_usd</c> (<c>total_llm_cost_usd</c>); drafts without a cost add nothing,
    /// and a session without drafts has 0.
    /// </summary>
    public decimal TotalLlmCostUsd { get; private set; }
}
