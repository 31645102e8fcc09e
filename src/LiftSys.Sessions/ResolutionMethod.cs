namespace LiftSys.Sessions;

/// <summary>
/// How a typed hole was filled, stored in <c>hole_resolutions.resolution_method</c>.
/// </summary>
public enum ResolutionMethod
{
    /// <summary>The user picked or typed the value (<c>user_selection</c>).</summary>
    UserSelection = 0,

    /// <summary>An AI suggestion was accepted (<c>ai_suggestion</c>).</summary>
    AiSuggestion,

    /// <summary>The value was inferred from context (<c>inference</c>).</summary>
    Inference,

    /// <summary>A default value was applied (<c>default</c>).</summary>
    Default,
}
