using LiftSys.Sessions.EfCore.ReadModels;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary><c>GET /api/analytics/me</c>: the caller's row of <c>user_analytics</c>, or zeros before their first session.</summary>
internal sealed record UserAnalyticsResponse(
    Guid UserId,
    long TotalSessions,
    long ActiveSessions,
    long PausedSessions,
    long FinalizedSessions,
    long ErrorSessions,
    long TotalRevisions,
    long TotalDrafts,
    decimal AvgRevisionsPerSession,
    decimal AvgDraftsPerSession,
    decimal TotalLlmCostUsd,
    long TotalLlmTokensUsed,
    decimal? AvgTimeToFinalizationSeconds,
    DateTimeOffset? FirstSessionAt,
    DateTimeOffset? LastSessionAt)
{
    public static UserAnalyticsResponse From(UserAnalytics row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(
            row.UserId,
            row.TotalSessions,
            row.ActiveSessions,
            row.PausedSessions,
            row.FinalizedSessions,
            row.ErrorSessions,
            row.TotalRevisions,
            row.TotalDrafts,
            row.AvgRevisionsPerSession,
            row.AvgDraftsPerSession,
            row.TotalLlmCostUsd,
            row.TotalLlmTokensUsed,
            row.AvgTimeToFinalizationSeconds,
            row.FirstSessionAt,
            row.LastSessionAt);
    }

    /// <summary>A user without sessions has no row in the view.</summary>
    public static UserAnalyticsResponse Empty(Guid userId) => new(userId, 0, 0, 0, 0, 0, 0, 0, 0m, 0m, 0m, 0, null, null, null);
}
