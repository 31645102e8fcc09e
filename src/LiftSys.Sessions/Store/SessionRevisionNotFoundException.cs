namespace LiftSys.Sessions;

/// <summary>
/// Thrown when an operation names a revision that is not one of the session's own: a rollback to a revision number
/// the session does not have, or a draft or hole resolution whose <c>ir_revision_id</c> belongs to no revision of the
/// same session. Nothing has been written when it is thrown.
/// </summary>
public sealed class SessionRevisionNotFoundException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance for a revision named by number.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="revisionNumber">The revision number that was asked for.</param>
    public SessionRevisionNotFoundException(Guid sessionId, int revisionNumber)
        : base($"Session {sessionId} has no revision {revisionNumber}.")
    {
        SessionId = sessionId;
        RevisionNumber = revisionNumber;
    }

    /// <summary>Initializes a new instance for a revision named by identifier.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="revisionId">The revision identifier that was given.</param>
    public SessionRevisionNotFoundException(Guid sessionId, Guid revisionId)
        : base($"Session {sessionId} has no revision with id {revisionId}.")
    {
        SessionId = sessionId;
        RevisionId = revisionId;
    }

    /// <summary>Gets the session.</summary>
    public Guid SessionId { get; }

    /// <summary>Gets the revision number that was asked for, when the revision was named by number.</summary>
    public int? RevisionNumber { get; }

    /// <summary>Gets the revision identifier that was given, when the revision was named by identifier.</summary>
    public Guid? RevisionId { get; }
}
