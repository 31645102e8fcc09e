namespace LiftSys.Sessions;

/// <summary>A session with everything recorded in it, as <see cref="ISessionStore.GetHistoryAsync"/> reads it.</summary>
/// <param name="Session">The session; a detached copy.</param>
/// <param name="Revisions">Every revision, by <see cref="SessionRevision.RevisionNumber"/> ascending (1, 2, 3…).</param>
/// <param name="Drafts">Every draft, by <see cref="SessionDraft.DraftNumber"/> ascending (1, 2, 3…).</param>
/// <param name="HoleResolutions">Every hole resolution, oldest first (by <see cref="HoleResolution.CreatedAt"/>, then identifier).</param>
public sealed record SessionHistory(
    Session Session,
    IReadOnlyList<SessionRevision> Revisions,
    IReadOnlyList<SessionDraft> Drafts,
    IReadOnlyList<HoleResolution> HoleResolutions);
