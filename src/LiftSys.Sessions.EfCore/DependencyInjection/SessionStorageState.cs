namespace LiftSys.Sessions.EfCore.DependencyInjection;

/// <summary>Which storage the host chose, and whether the fallback to memory has taken over.</summary>
internal sealed class SessionStorageState
{
    private string? fallbackReason;

    /// <summary>Gets or sets a value indicating whether sessions live in memory only (<c>UseInMemoryStore()</c>).</summary>
    public bool InMemoryOnly { get; set; }

    /// <summary>Gets or sets a value indicating whether an unreachable PostgreSQL hands over to memory (<c>WithFallbackToMemory()</c>).</summary>
    public bool FallbackEnabled { get; set; }

    /// <summary>Gets why the fallback took over, or <see langword="null"/> while PostgreSQL serves.</summary>
    public string? FallbackReason => Volatile.Read(ref fallbackReason);

    /// <summary>Gets a value indicating whether sessions are being served from memory.</summary>
    public bool ServingFromMemory => InMemoryOnly || FallbackReason is not null;

    /// <summary>Records that the fallback took over; the first reason is kept.</summary>
    /// <returns><see langword="true"/> if this call activated it.</returns>
    public bool ActivateFallback(string reason) => Interlocked.CompareExchange(ref fallbackReason, reason, null) is null;
}
