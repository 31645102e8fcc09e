using System.Collections.Concurrent;

namespace LiftSys.Sessions.EfCore.DependencyInjection;

/// <summary>
/// Which storage the host chose and, with the fallback to memory, whether it is serving from memory now, what memory
/// still holds, and how the write-back to PostgreSQL went: what the health check and the metrics report.
/// </summary>
internal sealed class SessionStorageState
{
    private readonly ConcurrentDictionary<Guid, string> writeBackFailures = new();
    private string? fallbackReason;
    private long writtenBack;
    private long trips;

    /// <summary>Gets or sets a value indicating whether sessions live in memory only (<c>UseInMemoryStore()</c>).</summary>
    public bool InMemoryOnly { get; set; }

    /// <summary>Gets or sets a value indicating whether an unreachable PostgreSQL hands over to memory (<c>WithFallbackToMemory()</c>).</summary>
    public bool FallbackEnabled { get; set; }

    /// <summary>Gets the breaker's settings, changed by <c>WithFallbackToMemory(options => …)</c>.</summary>
    public FallbackToMemoryOptions FallbackOptions { get; } = new();

    /// <summary>Gets why the breaker tripped, or <see langword="null"/> while PostgreSQL serves.</summary>
    public string? FallbackReason => Volatile.Read(ref fallbackReason);

    /// <summary>Gets a value indicating whether the breaker is open (or probing): new sessions go to memory.</summary>
    public bool FallbackActive => FallbackReason is not null;

    /// <summary>Gets a value indicating whether sessions are being served from memory.</summary>
    public bool ServingFromMemory => InMemoryOnly || FallbackActive;

    /// <summary>Gets how many times the breaker tripped since the process started.</summary>
    public long Trips => Interlocked.Read(ref trips);

    /// <summary>Gets how many sessions were written back to PostgreSQL since the process started.</summary>
    public long WrittenBack => Interlocked.Read(ref writtenBack);

    /// <summary>Gets the sessions that could not be written back (they stay in memory and are still served), with why.</summary>
    public IReadOnlyDictionary<Guid, string> WriteBackFailures => writeBackFailures;

    /// <summary>Gets or sets how many sessions memory holds that PostgreSQL does not have yet (set by the fallback store).</summary>
    public Func<int> PendingWriteBack { get; set; } = static () => 0;

    /// <summary>Records that the breaker opened.</summary>
    /// <returns><see langword="true"/> if this call changed the state.</returns>
    public bool Trip(string reason)
    {
        if (Interlocked.Exchange(ref fallbackReason, reason) is null)
        {
            Interlocked.Increment(ref trips);
            return true;
        }

        return false;
    }

    /// <summary>Records that the breaker closed: PostgreSQL serves again.</summary>
    public void Recover() => Volatile.Write(ref fallbackReason, null);

    /// <summary>Records that a session was written back.</summary>
    public void RecordWrittenBack(Guid sessionId)
    {
        writeBackFailures.TryRemove(sessionId, out _);
        Interlocked.Increment(ref writtenBack);
    }

    /// <summary>Records that a session cannot be written back.</summary>
    public void RecordWriteBackFailure(Guid sessionId, string reason) => writeBackFailures[sessionId] = reason;

    /// <summary>Forgets a failed write-back once the session is gone (deleted by its owner).</summary>
    public void ForgetWriteBackFailure(Guid sessionId) => writeBackFailures.TryRemove(sessionId, out _);
}
