namespace LiftSys.Sessions;

/// <summary>
/// The category of a typed hole in the IR, stored in <c>hole_resolutions.hole_type</c>.
/// </summary>
public enum HoleType
{
    /// <summary>A missing type (<c>type</c>).</summary>
    Type = 0,

    /// <summary>A missing or unclear parameter (<c>parameter</c>).</summary>
    Parameter,

    /// <summary>A missing or unclear return value (<c>return_value</c>).</summary>
    ReturnValue,

    /// <summary>A missing validation rule (<c>validation</c>).</summary>
    Validation,

    /// <summary>A missing entity (<c>entity</c>).</summary>
    Entity,

    /// <summary>A missing constraint (<c>constraint</c>).</summary>
    Constraint,

    /// <summary>Any other kind of hole (<c>other</c>).</summary>
    Other,
}
