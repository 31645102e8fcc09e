namespace LiftSys.Sessions;

/// <summary>
/// The lifecycle state of a <see cref="Session"/>, stored in <c>sessions.status</c> as its snake_case text
/// (<c>active</c>, <c>paused</c>, <c>finalized</c>, <c>error</c>).
/// </summary>
public enum SessionStatus
{
    /// <summary>The session is being refined (<c>active</c>). New sessions start here.</summary>
    Active = 0,

    /// <summary>The user has put the session aside (<c>paused</c>); it can be resumed.</summary>
    Paused,

    /// <summary>The session is complete (<c>finalized</c>); <see cref="Session.FinalizedAt"/> is set.</summary>
    Finalized,

    /// <summary>The session failed and will not progress (<c>error</c>).</summary>
    Error,
}
