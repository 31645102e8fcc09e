namespace LiftSys.Sessions.TestSupport.Contracts;

/// <summary>A <see cref="TimeProvider"/> whose now only moves when a test moves it.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock sync = new();
    private DateTimeOffset now;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="start">The first now; converted to UTC.</param>
    public ManualTimeProvider(DateTimeOffset start)
    {
        now = start.ToUniversalTime();
    }

    /// <summary>
    /// Creates a clock standing one day ahead of the real one, on a whole second. Ahead, so that a time it gives is never
    /// earlier than a <c>created_at</c> a database stamped with its own clock during the test; on a whole second, so
    /// that it survives the microsecond precision of <c>timestamptz</c> unchanged.
    /// </summary>
    /// <returns>The clock.</returns>
    public static ManualTimeProvider StartingTomorrow()
    {
        var real = DateTimeOffset.UtcNow.AddDays(1);
        return new ManualTimeProvider(new DateTimeOffset(real.UtcTicks - (real.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (sync)
        {
            return now;
        }
    }

    /// <summary>Moves now forward.</summary>
    /// <param name="by">How far; not negative.</param>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (sync)
        {
            now += by;
        }
    }

    /// <summary>Sets now to <paramref name="value"/>, backwards too: for a clock that is wrong, as hosts' clocks can be.</summary>
    /// <param name="value">The new time.</param>
    public void Set(DateTimeOffset value)
    {
        lock (sync)
        {
            now = value;
        }
    }
}
