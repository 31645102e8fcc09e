using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// How a typed hole in the IR was filled (a row of <c>hole_resolutions</c>): by the user, an AI suggestion,
/// inference or a default.
/// </summary>
public sealed class HoleResolution
{
    /// <summary>
    /// The longest <see cref="HoleId"/> accepted, in UTF-16 characters: 512. The hole id is part of the unique B-tree
    /// index on <c>(session_id, ir_revision_id, hole_id)</c>, whose entries PostgreSQL limits to 2704 bytes; 512
    /// characters take at most 1536 bytes of UTF-8.
    /// </summary>
    public const int MaxHoleIdLength = 512;

    private HoleResolution()
    {
        HoleId = null!;
    }

    private HoleResolution(
        Guid sessionId, string holeId, HoleType holeType, ResolutionMethod method, JsonElement resolvedValue, HoleResolutionDetails details)
    {
        if (sessionId == Guid.Empty)
        {
            throw new SessionValidationException("session_id", ValidationRule.Required, "session_id must not be the empty GUID.");
        }

        Id = Guid.CreateVersion7();
        SessionId = sessionId;
        IrRevisionId = details.IrRevisionId;
        HoleId = Guard.NotEmpty(holeId, "hole_id", MaxHoleIdLength);
        HoleType = Guard.Defined(holeType, "hole_type");
        ResolutionMethod = Guard.Defined(method, "resolution_method");
        ResolvedValue = Guard.Json(resolvedValue, "resolved_value");
        ConfidenceScore = Guard.Numeric(Guard.Between(details.ConfidenceScore, "confidence_score", 0m, 1m), "confidence_score", 3, 2);
        OriginalHoleData = Guard.Json(details.OriginalHoleData, "original_hole_data");
        SuggestionsProvided = Guard.Json(details.SuggestionsProvided, "suggestions_provided", JsonValueKind.Array) ?? JsonDefaults.EmptyArray;
        UserFeedback = Guard.Text(details.UserFeedback, "user_feedback");
        Metadata = Guard.Json(details.Metadata, "metadata", JsonValueKind.Object) ?? JsonDefaults.EmptyObject;
    }

    /// <summary>Gets the resolution's identifier (<c>id</c>).</summary>
    public Guid Id { get; private set; }

    /// <summary>Gets the session the resolution belongs to (<c>session_id</c>).</summary>
    public Guid SessionId { get; private set; }

    /// <summary>Gets the IR revision in which the hole was resolved (<c>ir_revision_id</c>), if known and not deleted.</summary>
    public Guid? IrRevisionId { get; private set; }

    /// <summary>Gets the identifier of the hole within the IR (<c>hole_id</c>); never empty.</summary>
    public string HoleId { get; private set; }

    /// <summary>Gets the hole's category (<c>hole_type</c>).</summary>
    public HoleType HoleType { get; private set; }

    /// <summary>Gets how the hole was filled (<c>resolution_method</c>).</summary>
    public ResolutionMethod ResolutionMethod { get; private set; }

    /// <summary>Gets the value or type the hole was filled with (<c>resolved_value</c>).</summary>
    public JsonElement ResolvedValue { get; private set; }

    /// <summary>Gets the confidence in the resolution (<c>confidence_score</c>, 0 to 1, two decimal places), if given.</summary>
    public decimal? ConfidenceScore { get; private set; }

    /// <summary>Gets a snapshot of the hole before it was resolved (<c>original_hole_data</c>), if given.</summary>
    public JsonElement? OriginalHoleData { get; private set; }

    /// <summary>Gets the AI suggestions shown to the user (<c>suggestions_provided</c>): a JSON array, <c>[]</c> by default.</summary>
    public JsonElement? SuggestionsProvided { get; private set; }

    /// <summary>Gets the user's comments on the resolution (<c>user_feedback</c>), if any.</summary>
    public string? UserFeedback { get; private set; }

    /// <summary>Gets additional metadata (<c>metadata</c>): a JSON object, <c>{}</c> by default.</summary>
    public JsonElement? Metadata { get; private set; }

    /// <summary>Gets when the hole was resolved (<c>created_at</c>, UTC), set by the database.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Creates a hole resolution.</summary>
    /// <param name="sessionId">The parent session.</param>
    /// <param name="holeId">The hole's identifier within the IR; not empty, at most <see cref="MaxHoleIdLength"/> characters.</param>
    /// <param name="holeType">The hole's category.</param>
    /// <param name="method">How the hole was filled.</param>
    /// <param name="resolvedValue">The value or type the hole was filled with; any JSON value.</param>
    /// <param name="details">The optional columns; <see langword="null"/> for none.</param>
    /// <returns>A new resolution with a new identifier.</returns>
    /// <exception cref="SessionValidationException">
    /// An argument breaks one of the rules above, or the confidence is outside 0..1 or has more than two decimal places.
    /// </exception>
    public static HoleResolution Create(
        Guid sessionId,
        string holeId,
        HoleType holeType,
        ResolutionMethod method,
        JsonElement resolvedValue,
        HoleResolutionDetails? details = null)
        => new(sessionId, holeId, holeType, method, resolvedValue, details ?? new HoleResolutionDetails());

    /// <summary>Sets <c>created_at</c>, as the database's default does on insert.</summary>
    internal void StampCreated(DateTimeOffset createdAt) => CreatedAt = createdAt;

    /// <summary>
    /// Gives the resolution the id a store fixed for the whole call, so that every attempt of one write (after a dropped
    /// connection, a retry) writes the same row and an attempt that did commit can be found by it.
    /// </summary>
    internal void AssignId(Guid id) => Id = id;
}
