namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>What a <see cref="StoreWriteCase"/> prepared before its write: the session (as stored) and a revision of it, if any.</summary>
/// <param name="Session">The session, or <see langword="null"/> when the write creates one.</param>
/// <param name="Revision">A revision of the session, when the write needs one.</param>
public sealed record ArrangedSession(Session? Session, SessionRevision? Revision)
{
    /// <summary>Gets the arrangement of a write that needs nothing (a create).</summary>
    public static ArrangedSession None { get; } = new(Session: null, Revision: null);

    /// <summary>Gets the session's id, or <see cref="Guid.Empty"/> when there is none yet.</summary>
    public Guid SessionId => Session?.Id ?? Guid.Empty;
}
