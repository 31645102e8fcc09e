namespace LiftSys.Sessions;

/// <summary>
/// Thrown when a write reached the database's COMMIT but the connection failed before the answer arrived, and the store
/// could not find out afterwards whether the write was stored (the database stayed unreachable). The write was stored
/// exactly once or not at all, never twice: read <see cref="SessionId"/> (and <see cref="WriteId"/>) when the store is
/// reachable again before deciding to repeat the operation.
/// </summary>
/// <remarks>The failure that left the outcome open is kept as <see cref="Exception.InnerException"/>.</remarks>
public sealed class SessionWriteOutcomeUnknownException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="operation">The store operation, e.g. <c>append_revision</c>.</param>
    /// <param name="sessionId">The session written to (for a create, the id the new session would have).</param>
    /// <param name="writeId">The id of the row the write creates (revision, draft, resolution), when it creates one.</param>
    /// <param name="innerException">The failure that left the outcome open.</param>
    public SessionWriteOutcomeUnknownException(string operation, Guid sessionId, Guid? writeId, Exception? innerException)
        : base(
            $"The outcome of {operation} on session {sessionId}"
            + (writeId is { } id ? $" (row {id})" : string.Empty)
            + " is unknown: the connection failed while committing and the store could not check afterwards. Read the session before repeating the write.",
            innerException)
    {
        Operation = operation;
        SessionId = sessionId;
        WriteId = writeId;
    }

    /// <summary>Gets the store operation, e.g. <c>append_revision</c>.</summary>
    public string Operation { get; }

    /// <summary>Gets the session written to; for a create, the id the new session has if it was stored.</summary>
    public Guid SessionId { get; }

    /// <summary>Gets the id of the revision, draft or hole resolution the write creates, if it creates one.</summary>
    public Guid? WriteId { get; }
}
