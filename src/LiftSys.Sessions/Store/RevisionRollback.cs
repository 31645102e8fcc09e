using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// What a rollback revision records (<see cref="ISessionStore.RollbackToRevisionAsync"/>), so that every store writes
/// the same source, summary and metadata.
/// </summary>
internal static class RevisionRollback
{
    /// <summary>
    /// A rollback restores a known-good IR after later revisions went wrong: a repair of the IR, not a refinement and
    /// not an edit the user typed. The metadata tells it apart from other repairs.
    /// </summary>
    public const RevisionSource Source = RevisionSource.Repair;

    public static string ChangeSummary(int revisionNumber) => $"Rolled back to revision {revisionNumber}.";

    public static JsonElement Metadata(SessionRevision target) => Metadata(target.RevisionNumber, target.Id);

    public static JsonElement Metadata(int revisionNumber, Guid revisionId)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("rolled_back_to_revision", revisionNumber);
            writer.WriteString("rolled_back_to_revision_id", revisionId);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
