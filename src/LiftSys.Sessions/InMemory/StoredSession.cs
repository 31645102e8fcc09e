namespace LiftSys.Sessions.InMemory;

/// <summary>
/// What <see cref="InMemorySessionStore"/> keeps for one session: the session it never hands out and the session's
/// history in creation order, which is number order. Only touched under the store's lock.
/// </summary>
internal sealed class StoredSession(Session session)
{
    /// <summary>Gets or sets the stored session; replaced whole by each write, so a failed write leaves the old one.</summary>
    public Session Session { get; set; } = session;

    public List<SessionRevision> Revisions { get; } = [];

    public List<SessionDraft> Drafts { get; } = [];

    public List<HoleResolution> HoleResolutions { get; } = [];
}
