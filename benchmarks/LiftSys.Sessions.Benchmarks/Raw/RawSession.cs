using System.Text.Json;

namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>A <c>sessions</c> row as the raw baseline reads it: every column, typed.</summary>
internal sealed record RawSession(
    Guid Id, Guid UserId, SessionStatus Status, SessionSource Source, string OriginalInput, JsonElement? CurrentIr, string? CurrentCode,
    int RevisionCount, int DraftCount, int HoleCount, JsonElement? Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? FinalizedAt);
