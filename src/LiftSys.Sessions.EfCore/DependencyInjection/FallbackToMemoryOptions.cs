namespace LiftSys.Sessions.EfCore;

/// <summary>
/// Options of <see cref="LiftSysSessionsBuilder.WithFallbackToMemory(Action{FallbackToMemoryOptions})"/>: when the
/// circuit breaker in front of PostgreSQL trips, and how soon it probes PostgreSQL again.
/// </summary>
/// <remarks>
/// Only a confirmed outage counts as a failure: an operation that failed on a dropped connection, a refused connection
/// or a timeout, after which a fresh connection to PostgreSQL could not be opened either (within
/// <see cref="ProbeTimeout"/>). Every other outcome — success, a PostgreSQL error, a lock wait or command timeout on a
/// server that still accepts connections, an exhausted pool — counts as a success.
/// </remarks>
public sealed class FallbackToMemoryOptions
{
    /// <summary>
    /// Gets or sets the share of operations in <see cref="SamplingDuration"/> that must be confirmed outages for the
    /// breaker to trip. Defaults to 0.5; more than 0, at most 1.
    /// </summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets how many operations must have run in <see cref="SamplingDuration"/> before the breaker may trip.
    /// Defaults to 2 (the least Polly accepts): two confirmed outages in a row trip it.
    /// </summary>
    public int MinimumThroughput { get; set; } = 2;

    /// <summary>Gets or sets the window over which <see cref="FailureRatio"/> is measured. Defaults to 30 seconds; at least 0.5 seconds.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long the breaker stays open before the next operation probes PostgreSQL (opens a fresh
    /// connection, then runs itself). Defaults to 15 seconds; at least 0.5 seconds, at most 1 hour. While open, it is
    /// also the <see cref="SessionStoreUnavailableException.RetryAfter"/> hint.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how long a probe may take to open a fresh connection before PostgreSQL counts as unreachable.
    /// Defaults to 5 seconds; 1 second to 1 minute.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws when a setting is out of its range, naming the setting and the range.</summary>
    internal void Validate()
    {
        if (FailureRatio is not (> 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FailureRatio), FailureRatio, $"{nameof(FailureRatio)} must be more than 0 and at most 1.");
        }

        if (MinimumThroughput < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumThroughput), MinimumThroughput, $"{nameof(MinimumThroughput)} must be at least 2.");
        }

        Range(nameof(SamplingDuration), SamplingDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1));
        Range(nameof(BreakDuration), BreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1));
        Range(nameof(ProbeTimeout), ProbeTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    private static void Range(string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }
}
