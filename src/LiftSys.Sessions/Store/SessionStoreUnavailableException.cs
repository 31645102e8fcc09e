namespace LiftSys.Sessions;

/// <summary>
/// Thrown when the store cannot serve an operation now because its database cannot be reached (an outage, a server
/// shutting down or starting up), or because the session asked for lives in a database that is unreachable while the
/// in-memory fallback serves. Transient: the same call may succeed later, after <see cref="RetryAfter"/> when it is
/// known. Nothing has been written when it is thrown for an operation the store refused to start; the cause is attached
/// as <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class SessionStoreUnavailableException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What could not be done, for a developer.</param>
    /// <param name="innerException">The failure that showed the store unavailable, if any.</param>
    public SessionStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance with a retry hint.</summary>
    /// <param name="message">What could not be done, for a developer.</param>
    /// <param name="retryAfter">How long to wait before trying again, if known.</param>
    /// <param name="innerException">The failure that showed the store unavailable, if any.</param>
    public SessionStoreUnavailableException(string message, TimeSpan? retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Gets how long to wait before trying again (for an HTTP <c>Retry-After</c>), or <see langword="null"/> when unknown.</summary>
    public TimeSpan? RetryAfter { get; }
}
