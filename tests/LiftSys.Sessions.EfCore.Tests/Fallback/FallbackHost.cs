using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LiftSys.Sessions.EfCore.DependencyInjection;
using LiftSys.Sessions.EfCore.Diagnostics;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.InMemory;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// A host's services with <c>WithFallbackToMemory</c>, as a test drives them: the store, the fallback's state, the
/// health check, the library's fallback metrics and the log events it wrote.
/// </summary>
internal sealed class FallbackHost : IAsyncDisposable
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(1);

    private readonly ServiceProvider services;
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(string Name, long Value, KeyValuePair<string, object?>[] Tags)> measurements = new();

    private FallbackHost(ServiceProvider services, LogEvents logs)
    {
        this.services = services;
        Logs = logs;
        var factory = services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SessionsTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)
                && instrument.Name.StartsWith("liftsys.sessions.fallback.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => measurements.Enqueue((i.Name, v, t.ToArray())));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => measurements.Enqueue((i.Name, v, t.ToArray())));
        listener.Start();
    }

    public ISessionStore Store => services.GetRequiredService<ISessionStore>();

    public SessionStorageState State => services.GetRequiredService<SessionStorageState>();

    public InMemorySessionStore Memory => services.GetRequiredService<InMemorySessionStore>();

    public FallbackSessionStore Fallback => (FallbackSessionStore)((InstrumentedSessionStore)Store).Inner;

    public LogEvents Logs { get; }

    public IDbContextFactory<SessionsDbContext> ContextFactory => services.GetRequiredService<IDbContextFactory<SessionsDbContext>>();

    public static FallbackHost Start(
        string connectionString,
        Action<LiftSysSessionsOptions>? configure = null,
        Action<FallbackToMemoryOptions>? configureFallback = null,
        ISessionActorAccessor? actors = null)
    {
        var logs = new LogEvents();
        var collection = new ServiceCollection();
        if (actors is not null)
        {
            collection.AddSingleton(actors);
        }

        collection.AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        collection.AddLiftSysSessions(o =>
        {
            o.ConnectionString = connectionString;
            o.MaxRetryCount = 0;
            configure?.Invoke(o);
        }).WithFallbackToMemory(o =>
        {
            o.BreakDuration = BreakDuration;
            configureFallback?.Invoke(o);
        });
        collection.AddHealthChecks().AddLiftSysSessions();
        return new FallbackHost(collection.BuildServiceProvider(), logs);
    }

    public async Task<HealthReportEntry> HealthAsync()
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["liftsys-sessions"];
    }

    /// <summary>The sum of a counter's measurements with the given tag, or the latest value of a gauge.</summary>
    public long Sum(string name, string tagKey, string tagValue) =>
        measurements.Where(m => m.Name == name && m.Tags.Any(t => t.Key == tagKey && Equals(t.Value, tagValue))).Sum(m => m.Value);

    public long Gauge(string name)
    {
        listener.RecordObservableInstruments();
        return measurements.Where(m => m.Name == name).Select(m => m.Value).LastOrDefault(-1);
    }

    /// <summary>Waits until the background write-back has nothing left it could still write (or a minute passed).</summary>
    public async Task WaitForWriteBackAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            await Fallback.Recovery.WhenIdleAsync();
            if (Memory.SessionIds().All(State.WriteBackFailures.ContainsKey))
            {
                return;
            }

            Fallback.Recovery.Schedule(now: true);
            await Task.Delay(100);
        }

        Assert.Fail($"The write-back did not finish within a minute; memory still holds {Memory.SessionCount} session(s).");
    }

    public async ValueTask DisposeAsync()
    {
        listener.Dispose();
        await Fallback.Recovery.WhenIdleAsync();
        await services.DisposeAsync();
    }

    internal sealed class LogEvents : ILoggerProvider
    {
        public ConcurrentQueue<(int Id, LogLevel Level)> Events { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Events);

        public int Count(int eventId) => Events.Count(e => e.Id == eventId);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(int Id, LogLevel Level)> events) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => events.Enqueue((eventId.Id, logLevel));
        }
    }
}
