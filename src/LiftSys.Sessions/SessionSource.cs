namespace LiftSys.Sessions;

/// <summary>
/// How a <see cref="Session"/> was started, stored in <c>sessions.source</c> as <c>prompt</c> or <c>code</c>.
/// </summary>
public enum SessionSource
{
    /// <summary>Forward mode: the session starts from a natural-language prompt (<c>prompt</c>).</summary>
    Prompt = 0,

    /// <summary>Reverse mode: the session starts from existing code (<c>code</c>).</summary>
    Code,
}
