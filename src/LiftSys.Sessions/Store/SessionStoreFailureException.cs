namespace LiftSys.Sessions;

/// <summary>
/// Thrown when the database failed an operation for a reason the store does not recognise as transient (an error
/// PostgreSQL reported that no rule of the library explains, or an unexpected driver failure). Retrying the same call
/// is unlikely to help; log it with its <see cref="Exception.InnerException"/>, which is the cause. The operation's
/// transaction was rolled back, so nothing was written.
/// </summary>
public sealed class SessionStoreFailureException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What failed, for a developer.</param>
    /// <param name="innerException">The failure the store met.</param>
    public SessionStoreFailureException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
