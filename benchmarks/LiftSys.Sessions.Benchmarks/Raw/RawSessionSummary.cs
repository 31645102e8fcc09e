namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>A <c>session_summary</c> row.</summary>
internal sealed record RawSessionSummary(
    Guid Id, Guid UserId, SessionStatus Status, SessionSource Source, int RevisionCount, int DraftCount, int HoleCount,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinalizedAt, int? LatestRevisionNumber, int? LatestDraftNumber,
    bool? LatestDraftValid, long TotalGenerationTimeMs, decimal TotalLlmCostUsd, long TotalLlmTokensUsed, decimal SessionDurationSeconds,
    decimal? TimeToFinalizationSeconds);
