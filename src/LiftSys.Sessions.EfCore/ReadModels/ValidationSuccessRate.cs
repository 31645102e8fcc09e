namespace LiftSys.Sessions.EfCore.ReadModels;

/// <summary>
/// How often a user's drafts pass validation, as the spec's "validation success rate" query computes it from
/// <c>draft_validation_stats</c>; returned by <see cref="SessionsDbContextQueryExtensions.GetValidationSuccessRateAsync"/>.
/// </summary>
/// <param name="AverageFullyValidPercent">
/// The spec's <c>avg_success_rate</c>: the average of the sessions' <c>fully_valid_percent</c>, 0–100, over the sessions
/// that have drafts (each session weighs the same, however many drafts it has), rounded to 2 decimals; or
/// <see langword="null"/> when the user has no draft.
/// </param>
/// <param name="TotalAttempts">The spec's <c>total_attempts</c>: the number of the user's drafts.</param>
/// <param name="FullyValidAttempts">
/// The number of those drafts that are both syntax- and AST-valid, so that the rate over all drafts
/// (<c>100 × FullyValidAttempts / TotalAttempts</c>) can be had too.
/// </param>
public sealed record ValidationSuccessRate(decimal? AverageFullyValidPercent, long TotalAttempts, long FullyValidAttempts);
