using System.Text.Json;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>A row of <c>session_revisions</c>.</summary>
internal sealed record RevisionResponse(
    Guid RevisionId,
    Guid SessionId,
    int RevisionNumber,
    RevisionSource Source,
    JsonElement IrContent,
    JsonElement? ValidationResult,
    IReadOnlyList<string>? ChangedFields,
    string? ChangeSummary,
    JsonElement? Metadata,
    DateTimeOffset CreatedAt)
{
    public static RevisionResponse From(SessionRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return new(
            revision.Id,
            revision.SessionId,
            revision.RevisionNumber,
            revision.Source,
            revision.IrContent,
            revision.ValidationResult,
            revision.ChangedFields,
            revision.ChangeSummary,
            revision.Metadata,
            revision.CreatedAt);
    }
}
