namespace LiftSys.Sessions.EfCore.Store.Fallback;

/// <summary>
/// Thrown by <see cref="FallbackWriteBack"/> when PostgreSQL already holds a session with the id of one kept in memory
/// that its owner cannot see (another user's): writing it back would overwrite or leak, so it stays in memory.
/// </summary>
internal sealed class FallbackWriteBackConflictException(Guid sessionId)
    : LiftSysSessionsException($"Session {sessionId} cannot be written back: PostgreSQL holds a session with this id that its owner cannot see.")
{
    public Guid SessionId { get; } = sessionId;
}
