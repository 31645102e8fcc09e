namespace LiftSys.Sessions;

/// <summary>
/// Thrown when a hole is resolved a second time for the same IR revision: schema v1 keeps
/// <c>(session_id, ir_revision_id, hole_id)</c> unique. Resolutions without an IR revision are not limited (SQL treats
/// their NULL <c>ir_revision_id</c>s as distinct). Nothing has been written when it is thrown.
/// </summary>
public sealed class DuplicateHoleResolutionException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="irRevisionId">The IR revision the hole was already resolved in.</param>
    /// <param name="holeId">The hole.</param>
    public DuplicateHoleResolutionException(Guid sessionId, Guid irRevisionId, string holeId)
        : base($"Hole '{holeId}' of session {sessionId} is already resolved in revision {irRevisionId}.")
    {
        SessionId = sessionId;
        IrRevisionId = irRevisionId;
        HoleId = holeId;
    }

    /// <summary>Gets the session.</summary>
    public Guid SessionId { get; }

    /// <summary>Gets the IR revision the hole was already resolved in.</summary>
    public Guid IrRevisionId { get; }

    /// <summary>Gets the hole.</summary>
    public string HoleId { get; }
}
