using System.Text.Json;

namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>A <c>recent_activity</c> row.</summary>
internal sealed record RawActivity(
    string EventType, Guid SessionId, Guid UserId, Guid? RevisionId, Guid? DraftId, Guid? ResolutionId, DateTimeOffset EventTime,
    JsonElement EventData);
