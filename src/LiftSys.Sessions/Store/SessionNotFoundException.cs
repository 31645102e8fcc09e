namespace LiftSys.Sessions;

/// <summary>
/// Thrown when an operation names a session that does not exist or that the acting user may not see. Both cases raise
/// the same exception with the same message, so a caller cannot learn whether another user's session exists.
/// Nothing has been written when it is thrown.
/// </summary>
public sealed class SessionNotFoundException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The session that was asked for.</param>
    public SessionNotFoundException(Guid sessionId)
        : base($"Session {sessionId} was not found.")
    {
        SessionId = sessionId;
    }

    /// <summary>Gets the session that was asked for.</summary>
    public Guid SessionId { get; }
}
