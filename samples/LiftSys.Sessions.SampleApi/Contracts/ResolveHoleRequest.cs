using System.Text.Json;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>
/// Body of <c>POST /api/sessions/{id}/holes/{holeId}/resolve</c>; <c>hole_type</c>, <c>resolution_method</c> and
/// <c>resolved_value</c> (any JSON value but null) are required.
/// </summary>
internal sealed record ResolveHoleRequest(
    HoleType? HoleType,
    ResolutionMethod? ResolutionMethod,
    JsonElement? ResolvedValue,
    Guid? IrRevisionId,
    decimal? ConfidenceScore,
    JsonElement? OriginalHoleData,
    JsonElement? SuggestionsProvided,
    string? UserFeedback,
    JsonElement? Metadata);
