using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// One IR snapshot in a session's history (a row of <c>session_revisions</c>), numbered 1, 2, 3… within the session.
/// Revisions are never rewritten: a rollback appends a new revision carrying an older IR.
/// </summary>
public sealed class SessionRevision
{
    private SessionRevision()
    {
    }

    private SessionRevision(
        Guid sessionId,
        int revisionNumber,
        RevisionSource source,
        JsonElement irContent,
        JsonElement? validationResult,
        IEnumerable<string>? changedFields,
        string? changeSummary,
        JsonElement? metadata)
    {
        if (sessionId == Guid.Empty)
        {
            throw new SessionValidationException("session_id", ValidationRule.Required, "session_id must not be the empty GUID.");
        }

        Id = Guid.CreateVersion7();
        SessionId = sessionId;
        RevisionNumber = Guard.Positive(revisionNumber, "revision_number");
        Source = Guard.Defined(source, "source");
        IrContent = Guard.Json(irContent, "ir_content", JsonValueKind.Object);
        ValidationResult = Guard.Json(validationResult, "validation_result");
        ChangedFields = (changedFields ?? []).Select(f => Guard.NotEmpty(f, "changed_fields")).ToArray();
        ChangeSummary = Guard.Text(changeSummary, "change_summary");
        Metadata = Guard.Json(metadata, "metadata", JsonValueKind.Object) ?? JsonDefaults.EmptyObject;
    }

    /// <summary>Gets the revision's identifier (<c>id</c>).</summary>
    public Guid Id { get; private set; }

    /// <summary>Gets the session the revision belongs to (<c>session_id</c>).</summary>
    public Guid SessionId { get; private set; }

    /// <summary>Gets the revision's number within its session (<c>revision_number</c>), starting at 1.</summary>
    public int RevisionNumber { get; private set; }

    /// <summary>Gets what produced the revision (<c>source</c>).</summary>
    public RevisionSource Source { get; private set; }

    /// <summary>Gets the IR snapshot (<c>ir_content</c>): a JSON object.</summary>
    public JsonElement IrContent { get; private set; }

    /// <summary>Gets the IR interpreter's validation result (<c>validation_result</c>), if any.</summary>
    public JsonElement? ValidationResult { get; private set; }

    /// <summary>
    /// Gets which IR fields changed from the previous revision (<c>changed_fields</c>). Empty for revisions the library
    /// writes without changes; <see langword="null"/> only for a row another client wrote with an explicit NULL.
    /// </summary>
    public IReadOnlyList<string>? ChangedFields { get; private set; }

    /// <summary>Gets a human-readable description of the change (<c>change_summary</c>), if any.</summary>
    public string? ChangeSummary { get; private set; }

    /// <summary>Gets additional metadata (<c>metadata</c>): a JSON object, <c>{}</c> by default.</summary>
    public JsonElement? Metadata { get; private set; }

    /// <summary>Gets when the revision was created (<c>created_at</c>, UTC), set by the database.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Creates a revision. The session store allocates <paramref name="revisionNumber"/>.</summary>
    /// <param name="sessionId">The parent session.</param>
    /// <param name="revisionNumber">The number within the session; greater than zero.</param>
    /// <param name="source">What produced the revision.</param>
    /// <param name="irContent">The IR snapshot; a JSON object, at most 1 MiB.</param>
    /// <param name="validationResult">The IR interpreter's validation result, if any.</param>
    /// <param name="changedFields">The IR fields that changed from the previous revision; none by default.</param>
    /// <param name="changeSummary">A human-readable description of the change.</param>
    /// <param name="metadata">Additional metadata; a JSON object, <c>{}</c> by default.</param>
    /// <returns>A new revision with a new identifier.</returns>
    /// <exception cref="SessionValidationException">An argument breaks one of the rules above.</exception>
    public static SessionRevision Create(
        Guid sessionId,
        int revisionNumber,
        RevisionSource source,
        JsonElement irContent,
        JsonElement? validationResult = null,
        IEnumerable<string>? changedFields = null,
        string? changeSummary = null,
        JsonElement? metadata = null)
        => new(sessionId, revisionNumber, source, irContent, validationResult, changedFields, changeSummary, metadata);

    /// <summary>Sets <c>created_at</c>, as the database's default does on insert.</summary>
    internal void StampCreated(DateTimeOffset createdAt) => CreatedAt = createdAt;

    /// <summary>
    /// Gives the revision the id a store fixed for the whole call, so that every attempt of one write (after a dropped
    /// connection, a retry) writes the same row and an attempt that did commit can be found by it.
    /// </summary>
    internal void AssignId(Guid id) => Id = id;

    /// <summary>
    /// Returns a copy of a revision validated once with a placeholder position, placed in <paramref name="sessionId"/> as
    /// number <paramref name="revisionNumber"/> with id <paramref name="id"/> and the fields that changed since the
    /// previous revision: a store learns both only under the session's lock, and validating the IR again there would only
    /// repeat the same work.
    /// </summary>
    internal SessionRevision PlacedAt(Guid sessionId, int revisionNumber, Guid id, IEnumerable<string> changedFields)
    {
        var placed = (SessionRevision)MemberwiseClone();
        placed.SessionId = sessionId;
        placed.RevisionNumber = Guard.Positive(revisionNumber, "revision_number");
        placed.Id = id;
        placed.ChangedFields = changedFields.Select(f => Guard.NotEmpty(f, "changed_fields")).ToArray();
        return placed;
    }

    /// <summary>Returns a detached copy (with its own <see cref="ChangedFields"/> list), for a store that must not hand out the instance it keeps.</summary>
    internal SessionRevision Copy()
    {
        var copy = (SessionRevision)MemberwiseClone();
        copy.ChangedFields = ChangedFields?.ToArray();
        return copy;
    }
}
