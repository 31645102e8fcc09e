using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>The optional columns of a <see cref="HoleResolution"/>, passed to <see cref="HoleResolution.Create"/>.</summary>
public sealed record HoleResolutionDetails
{
    /// <summary>Gets the IR revision in which the hole was resolved.</summary>
    public Guid? IrRevisionId { get; init; }

    /// <summary>Gets the confidence in the resolution: 0 to 1 with at most two decimal places.</summary>
    public decimal? ConfidenceScore { get; init; }

    /// <summary>Gets a snapshot of the hole before it was resolved.</summary>
    public JsonElement? OriginalHoleData { get; init; }

    /// <summary>Gets the AI suggestions shown to the user: a JSON array; <c>[]</c> when <see langword="null"/>.</summary>
    public JsonElement? SuggestionsProvided { get; init; }

    /// <summary>Gets the user's comments on the resolution.</summary>
    public string? UserFeedback { get; init; }

    /// <summary>Gets additional metadata: a JSON object; <c>{}</c> when <see langword="null"/>.</summary>
    public JsonElement? Metadata { get; init; }
}
