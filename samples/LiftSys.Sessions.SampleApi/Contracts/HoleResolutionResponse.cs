using System.Text.Json;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>A row of <c>hole_resolutions</c>.</summary>
internal sealed record HoleResolutionResponse(
    Guid ResolutionId,
    Guid SessionId,
    Guid? IrRevisionId,
    string HoleId,
    HoleType HoleType,
    ResolutionMethod ResolutionMethod,
    JsonElement ResolvedValue,
    decimal? ConfidenceScore,
    JsonElement? OriginalHoleData,
    JsonElement? SuggestionsProvided,
    string? UserFeedback,
    JsonElement? Metadata,
    DateTimeOffset CreatedAt)
{
    public static HoleResolutionResponse From(HoleResolution resolution)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        return new(
            resolution.Id,
            resolution.SessionId,
            resolution.IrRevisionId,
            resolution.HoleId,
            resolution.HoleType,
            resolution.ResolutionMethod,
            resolution.ResolvedValue,
            resolution.ConfidenceScore,
            resolution.OriginalHoleData,
            resolution.SuggestionsProvided,
            resolution.UserFeedback,
            resolution.Metadata,
            resolution.CreatedAt);
    }
}
