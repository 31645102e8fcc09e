namespace LiftSys.Sessions;

/// <summary>
/// A session as <see cref="ISessionStore.GetAsync"/> reads it: the row itself with its latest revision and latest
/// draft, all read at the same moment.
/// </summary>
/// <param name="Session">The session; a detached copy the caller may change and pass to <see cref="ISessionStore.UpdateAsync"/>.</param>
/// <param name="LatestRevision">The revision with the highest number, or <see langword="null"/> when there is none.</param>
/// <param name="LatestDraft">The draft with the highest number, or <see langword="null"/> when there is none.</param>
public sealed record SessionSnapshot(Session Session, SessionRevision? LatestRevision, SessionDraft? LatestDraft);
