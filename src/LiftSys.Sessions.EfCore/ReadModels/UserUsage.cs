namespace LiftSys.Sessions.EfCore.ReadModels;

/// <summary>
/// A user's LLM cost and token usage, as the spec's "user's cost and token usage" query reads them from
/// <c>user_analytics</c>; returned by <see cref="SessionsDbContextQueryExtensions.GetUsageAsync"/>.
/// </summary>
/// <param name="TotalLlmCostUsd">The sum of <c>llm_cost_usd</c> over all the user's drafts; 0 when there is none.</param>
/// <param name="TotalLlmTokensUsed">The sum of <c>llm_tokens_used</c> over all the user's drafts; 0 when there is none.</param>
/// <param name="TotalSessions">The number of the user's sessions; 0 when there is none.</param>
public sealed record UserUsage(decimal TotalLlmCostUsd, long TotalLlmTokensUsed, long TotalSessions);
