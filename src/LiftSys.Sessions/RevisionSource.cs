namespace LiftSys.Sessions;

/// <summary>
/// What produced a <see cref="SessionRevision"/>, stored in <c>session_revisions.source</c>.
/// </summary>
public enum RevisionSource
{
    /// <summary>The first IR of the session (<c>initial</c>).</summary>
    Initial = 0,

    /// <summary>An IR refined by the system, for example after a hole was resolved (<c>refinement</c>).</summary>
    Refinement,

    /// <summary>An IR repaired after validation failed (<c>repair</c>).</summary>
    Repair,

    /// <summary>An IR edited by the user directly (<c>user_edit</c>).</summary>
    UserEdit,
}
