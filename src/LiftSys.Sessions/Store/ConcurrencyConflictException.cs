namespace LiftSys.Sessions;

/// <summary>
/// Thrown by <see cref="ISessionStore.UpdateAsync"/> when the session changed after the caller read it (the spec's
/// <c>ConcurrentModificationError</c>): its <see cref="Session.UpdatedAt"/> is no longer the one the caller holds.
/// Nothing has been written; read the session again, reapply the change, and retry.
/// </summary>
public sealed class ConcurrencyConflictException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The session whose update was refused.</param>
    /// <param name="expectedUpdatedAt">The <see cref="Session.UpdatedAt"/> the caller's copy carried.</param>
    /// <param name="actualUpdatedAt">The <see cref="Session.UpdatedAt"/> the store holds, when the store knows it.</param>
    public ConcurrencyConflictException(Guid sessionId, DateTimeOffset expectedUpdatedAt, DateTimeOffset? actualUpdatedAt)
        : base(
            $"Session {sessionId} was changed by someone else: the update expected updated_at {expectedUpdatedAt:O}"
            + (actualUpdatedAt is { } actual ? $" but the session has {actual:O}." : " but the session has moved on."))
    {
        SessionId = sessionId;
        ExpectedUpdatedAt = expectedUpdatedAt;
        ActualUpdatedAt = actualUpdatedAt;
    }

    /// <summary>Gets the session whose update was refused.</summary>
    public Guid SessionId { get; }

    /// <summary>Gets the concurrency token the caller's copy carried.</summary>
    public DateTimeOffset ExpectedUpdatedAt { get; }

    /// <summary>Gets the concurrency token the store holds, or <see langword="null"/> when the store could not tell.</summary>
    public DateTimeOffset? ActualUpdatedAt { get; }
}
