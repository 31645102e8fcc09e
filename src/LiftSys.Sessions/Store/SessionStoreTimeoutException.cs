namespace LiftSys.Sessions;

/// <summary>
/// Thrown when an operation ran into a time limit: the command timeout, the connection pool's wait, or the server's
/// <c>lock_timeout</c> or <c>statement_timeout</c>; <see cref="Limit"/> says which. The server is reachable, but busy or
/// blocked (often by another transaction holding the session's row). The operation's transaction was rolled back, so
/// nothing was written; it can be tried again after <see cref="RetryAfter"/>.
/// </summary>
/// <remarks>The driver's exception is kept as <see cref="Exception.InnerException"/>.</remarks>
public sealed class SessionStoreTimeoutException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="limit">The limit that was reached.</param>
    /// <param name="message">What timed out, for a developer.</param>
    /// <param name="retryAfter">How long a caller should wait before trying again.</param>
    /// <param name="innerException">The failure the store met.</param>
    public SessionStoreTimeoutException(SessionStoreTimeoutLimit limit, string message, TimeSpan retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        Limit = limit;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the limit that was reached.</summary>
    public SessionStoreTimeoutLimit Limit { get; }

    /// <summary>Gets how long a caller should wait before trying the operation again (a hint, for a <c>Retry-After</c> header).</summary>
    public TimeSpan RetryAfter { get; }
}
