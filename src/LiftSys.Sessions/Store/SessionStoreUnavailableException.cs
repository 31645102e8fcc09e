namespace LiftSys.Sessions;

/// <summary>
/// Thrown when the store could not reach its database, or the database refused to serve the operation for a while:
/// the server is unreachable or refused the connection, the connection dropped, the server has too many connections
/// (SQLSTATE <c>53300</c>) or is shutting down or starting (<c>57P01</c>, <c>57P02</c>, <c>57P03</c>), or the store's
/// own retries of such a failure ran out. The failure is transient: the operation can be tried again after
/// <see cref="RetryAfter"/>. Nothing was written by the operation (when a write may have been stored,
/// <see cref="SessionWriteOutcomeUnknownException"/> is thrown instead).
/// </summary>
/// <remarks>The driver's exception is kept as <see cref="Exception.InnerException"/>, so that a host can log or classify it.</remarks>
public sealed class SessionStoreUnavailableException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What failed, for a developer.</param>
    /// <param name="retryAfter">How long a caller should wait before trying again.</param>
    /// <param name="innerException">The failure the store met.</param>
    public SessionStoreUnavailableException(string message, TimeSpan retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Gets how long a caller should wait before trying the operation again (a hint, for a <c>Retry-After</c> header).</summary>
    public TimeSpan RetryAfter { get; }
}
