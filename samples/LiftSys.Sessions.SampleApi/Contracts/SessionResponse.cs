using System.Text.Json;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>A session as the API shows it: the row's columns, named as in the database.</summary>
internal record SessionResponse(
    Guid SessionId,
    Guid UserId,
    SessionStatus Status,
    SessionSource Source,
    string OriginalInput,
    JsonElement? CurrentIr,
    string? CurrentCode,
    int RevisionCount,
    int DraftCount,
    int HoleCount,
    JsonElement? Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinalizedAt)
{
    public static SessionResponse From(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(
            session.Id,
            session.UserId,
            session.Status,
            session.Source,
            session.OriginalInput,
            session.CurrentIr,
            session.CurrentCode,
            session.RevisionCount,
            session.DraftCount,
            session.HoleCount,
            session.Metadata,
            session.CreatedAt,
            session.UpdatedAt,
            session.FinalizedAt);
    }
}
