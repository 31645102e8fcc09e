namespace LiftSys.Sessions.EfCore.ReadModels;

/// <summary>
/// A session with its latest revision and latest draft, as the spec's "session with latest revision and draft" query
/// returns them; loaded in one round trip by
/// <see cref="SessionsDbContextQueryExtensions.FindSessionWithLatestAsync"/>.
/// </summary>
/// <param name="Session">The session (not tracked).</param>
/// <param name="LatestRevision">
/// The revision with the highest <c>revision_number</c> (its <c>ir_content</c> is the spec's <c>latest_ir</c>), or
/// <see langword="null"/> when the session has none.
/// </param>
/// <param name="LatestDraft">
/// The draft with the highest <c>draft_number</c> (its <c>code_content</c> is the spec's <c>latest_code</c>), or
/// <see langword="null"/> when the session has none.
/// </param>
public sealed record SessionWithLatest(Session Session, SessionRevision? LatestRevision, SessionDraft? LatestDraft);
