using System.Text.Json;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary><c>GET /api/sessions/{id}/timeline</c>: the session's events, oldest first, shaped like rows of <c>recent_activity</c>.</summary>
internal sealed record TimelineResponse(Guid SessionId, IReadOnlyList<TimelineResponse.Event> Events)
{
    public static TimelineResponse From(Guid sessionId, IReadOnlyList<SessionActivity> activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        return new(
            sessionId,
            activities.Select(a => new Event(a.Kind, a.RevisionId, a.DraftId, a.ResolutionId, a.EventTime, a.EventData)).ToArray());
    }

    /// <summary>One event: <c>event_type</c> is <c>session_created</c>, <c>revision_created</c>, <c>draft_created</c> or <c>hole_resolved</c>.</summary>
    internal sealed record Event(
        SessionActivityKind EventType,
        Guid? RevisionId,
        Guid? DraftId,
        Guid? ResolutionId,
        DateTimeOffset EventTime,
        JsonElement EventData);
}
