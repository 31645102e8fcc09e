namespace LiftSys.Sessions;

/// <summary>
/// The base type of every exception LiftSys.Sessions throws on purpose, so that a host can catch the library's
/// refusals in one place.
/// </summary>
public abstract class LiftSysSessionsException : Exception
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong, for a developer.</param>
    protected LiftSysSessionsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong, for a developer.</param>
    /// <param name="innerException">The underlying exception.</param>
    protected LiftSysSessionsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
