using System.Text.Json;

namespace LiftSys.Sessions.EfCore.Store;

/// <summary>
/// What a write that adds to a session's history reads in the batch that locks the session row: its status and, as the
/// operation needs, the latest revision, the revision a rollback returns to, the highest draft number and whether a
/// referenced revision belongs to the session. Only these columns, never the session's own documents.
/// </summary>
/// <remarks>Read with <c>Database.SqlQuery</c>, which maps columns to properties by name; every query returns them all.</remarks>
internal sealed class LockedSessionState
{
    /// <summary>Gets or sets the session's status, as stored (<c>active</c>, …).</summary>
    public string Status { get; set; } = string.Empty;

    /// <summary>Gets or sets the latest revision's number, if the session has one and it was asked for.</summary>
    public int? LatestNumber { get; set; }

    /// <summary>Gets or sets the latest revision's IR, if the session has one and it was asked for.</summary>
    public JsonElement? LatestIr { get; set; }

    /// <summary>Gets or sets the id of the revision a rollback returns to, if it exists.</summary>
    public Guid? TargetId { get; set; }

    /// <summary>Gets or sets the IR of the revision a rollback returns to, if it exists.</summary>
    public JsonElement? TargetIr { get; set; }

    /// <summary>Gets or sets the highest draft number, if the session has drafts and it was asked for.</summary>
    public int? LastDraftNumber { get; set; }

    /// <summary>Gets or sets whether the referenced revision (if any) belongs to the session.</summary>
    public bool RevisionExists { get; set; }
}
