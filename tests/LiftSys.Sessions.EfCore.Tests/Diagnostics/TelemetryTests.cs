using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LiftSys.Sessions.EfCore.Diagnostics;
using LiftSys.Sessions.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiftSys.Sessions.EfCore.Tests.Diagnostics;

/// <summary>Metrics, traces and logs of the registered store (in memory, so no database is needed).</summary>
public sealed class TelemetryTests
{
    [Test]
    public async Task Business_and_operation_metrics_are_recorded_with_their_tags()
    {
        await using var services = Build(out var logs);
        using var metrics = new MeasurementRecorder(services.GetRequiredService<IMeterFactory>());
        var store = services.GetRequiredService<ISessionStore>();
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "test");

        var session = await store.CreateFromPromptAsync("p");
        await store.AddDraftAsync(session.Id, DraftSource.InitialGeneration, "x = 1",
            new SessionDraftDetails { SyntaxValid = true, AstValid = false, LlmCostUsd = 0.25m, LlmTokensUsed = 1200 });
        await store.ResolveHoleAsync(session.Id, "h1", HoleType.ReturnValue, ResolutionMethod.AiSuggestion, System.Text.Json.JsonSerializer.SerializeToElement("int"));
        await store.FinalizeAsync(session.Id);
        var second = await store.CreateFromCodeAsync("y = 2");
        await store.MarkErrorAsync(second.Id);
        await Assert.ThrowsAsync<SessionNotFoundException>(() => store.PauseAsync(Guid.NewGuid()));

        Assert.Multiple(() =>
        {
            Assert.That(metrics.Sum("liftsys.sessions.created", ("source", "prompt")), Is.EqualTo(1));
            Assert.That(metrics.Sum("liftsys.sessions.created", ("source", "code")), Is.EqualTo(1));
            Assert.That(metrics.Sum("liftsys.sessions.drafts", ("syntax_valid", true), ("ast_valid", false)), Is.EqualTo(1));
            Assert.That(metrics.Sum("liftsys.sessions.llm.cost"), Is.EqualTo(0.25));
            Assert.That(metrics.Sum("liftsys.sessions.llm.tokens"), Is.EqualTo(1200));
            Assert.That(metrics.Sum("liftsys.sessions.holes_resolved", ("hole_type", "return_value"), ("resolution_method", "ai_suggestion")), Is.EqualTo(1));
            Assert.That(metrics.Sum("liftsys.sessions.finalized"), Is.EqualTo(1));
            Assert.That(metrics.Count("liftsys.sessions.duration"), Is.EqualTo(1));
            Assert.That(metrics.Sum("liftsys.sessions.errored"), Is.EqualTo(1));
            Assert.That(metrics.Count("liftsys.sessions.operation.duration", ("operation", "add_draft"), ("store", "memory")), Is.EqualTo(1));
            Assert.That(metrics.Sum("liftsys.sessions.operation.errors", ("operation", "pause"), ("error.type", nameof(SessionNotFoundException))), Is.EqualTo(1));
            Assert.That(logs.Events, Has.Some.Matches<(int Id, LogLevel Level)>(e => e is { Id: 2002, Level: LogLevel.Debug }), "a refusal is logged, without a stack trace");
        });
    }

    [Test]
    public async Task Each_operation_is_a_span_and_failures_mark_it_as_error()
    {
        await using var services = Build(out _);
        var store = services.GetRequiredService<ISessionStore>();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SessionsTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "test");
        using var root = new Activity("test-root").Start();

        var session = await store.CreateFromPromptAsync("p");
        await Assert.ThrowsAsync<SessionRevisionNotFoundException>(() => store.RollbackToRevisionAsync(session.Id, 9));

        var mine = spans.Where(s => s.TraceId == root.TraceId).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(mine.Select(s => s.OperationName), Is.EqualTo(new[] { "session_store.create_from_prompt", "session_store.rollback_to_revision" }));
            Assert.That(mine[1].Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(mine[1].GetTagItem("liftsys.sessions.session_id"), Is.EqualTo(session.Id.ToString()));
            Assert.That(mine.All(s => s.ParentSpanId == root.SpanId), Is.True);
        });
    }

    [Test]
    public async Task Store_unavailable_is_logged_as_a_failure_not_as_a_refusal()
    {
        var collection = new ServiceCollection();
        var logs = new LogCollector();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        collection.AddLiftSysSessions(o =>
        {
            o.ConnectionString = "Host=127.0.0.1;Port=1;Database=none;Username=nobody;Timeout=2";
            o.MaxRetryCount = 0;
        });
        await using var services = collection.BuildServiceProvider();
        using var metrics = new MeasurementRecorder(services.GetRequiredService<IMeterFactory>());
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "test");

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(
            () => services.GetRequiredService<ISessionStore>().CreateFromPromptAsync("p"));

        Assert.Multiple(() =>
        {
            Assert.That(logs.Events, Has.Some.Matches<(int Id, LogLevel Level)>(e => e is { Id: 2003, Level: LogLevel.Error }));
            Assert.That(logs.Events, Has.None.Matches<(int Id, LogLevel Level)>(e => e.Id == 2002));
            Assert.That(
                metrics.Sum("liftsys.sessions.operation.errors", ("operation", "create_from_prompt"), ("error.type", "SessionStoreUnavailableException")),
                Is.EqualTo(1));
        });
    }

    private static ServiceProvider Build(out LogCollector logs)
    {
        var collection = new ServiceCollection();
        logs = new LogCollector();
        var provider = logs;
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
        collection.AddLiftSysSessions(_ => { }).UseInMemoryStore();
        return collection.BuildServiceProvider();
    }

    /// <summary>Records the library's measurements from one service provider's meter factory only.</summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> measurements = new();

        public MeasurementRecorder(IMeterFactory factory)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SessionsTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((i, v, t, _) => measurements.Enqueue((i.Name, v, t.ToArray())));
            listener.SetMeasurementEventCallback<double>((i, v, t, _) => measurements.Enqueue((i.Name, v, t.ToArray())));
            listener.Start();
        }

        public double Sum(string name, params (string Key, object Value)[] tags) => Matching(name, tags).Sum(m => m.Value);

        public int Count(string name, params (string Key, object Value)[] tags) => Matching(name, tags).Count();

        public void Dispose() => listener.Dispose();

        private IEnumerable<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> Matching(string name, (string Key, object Value)[] tags) =>
            measurements.Where(m => m.Name == name && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value))));
    }

    private sealed class LogCollector : ILoggerProvider
    {
        public ConcurrentQueue<(int Id, LogLevel Level)> Events { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Events);

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
