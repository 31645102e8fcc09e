namespace LiftSys.Sessions;

/// <summary>
/// What happened in a <see cref="SessionActivity"/>; its snake_case text (<see cref="SessionEnumText"/>) is the
/// <c>event_type</c> of the schema's <c>recent_activity</c> view.
/// </summary>
public enum SessionActivityKind
{
    /// <summary>The session was created (<c>session_created</c>).</summary>
    SessionCreated = 0,

    /// <summary>A revision was appended (<c>revision_created</c>).</summary>
    RevisionCreated,

    /// <summary>A draft was added (<c>draft_created</c>).</summary>
    DraftCreated,

    /// <summary>A typed hole was resolved (<c>hole_resolved</c>).</summary>
    HoleResolved,
}
