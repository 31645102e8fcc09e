namespace LiftSys.Sessions.EfCore.ReadModels;

/// <summary>
/// What a <see cref="RecentActivity"/> row records; stored as its snake_case text (<see cref="SessionEnumText"/>) in
/// the view's <c>event_type</c> column.
/// </summary>
public enum ActivityEventType
{
    /// <summary>A session was created (<c>session_created</c>).</summary>
    SessionCreated = 0,

    /// <summary>A revision was created (<c>revision_created</c>).</summary>
    RevisionCreated,

    /// <summary>A draft was created (<c>draft_created</c>).</summary>
    DraftCreated,

    /// <summary>A typed hole was resolved (<c>hole_resolved</c>).</summary>
    HoleResolved,
}
