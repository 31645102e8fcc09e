using System.Diagnostics;
using System.Net;
using LiftSys.Sessions.TestSupport;
using OpenTelemetry.Trace;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>One HTTP request is one trace: the request, the store operation beneath it, Npgsql's commands beneath that.</summary>
/// <remarks>
/// Activity listeners are process-wide, so this host's tracer also sees other test hosts' spans: the request carries a
/// W3C <c>traceparent</c> of the test's own, and only that trace is examined.
/// </remarks>
[NonParallelizable]
public sealed class TelemetryTests
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";
    private const string LibrarySource = "LiftSys.Sessions";
    private const string NpgsqlSource = "Npgsql";

    private readonly ExportedSpanCollection spans = [];
    private TestDatabase database = null!;
    private SampleApiFactory api = null!;

    [OneTimeSetUp]
    public async Task StartApiWithAnInMemoryExporter()
    {
        database = await TestDatabase.CreateAsync();
        api = new SampleApiFactory(database, configureServices: services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
    }

    [OneTimeTearDown]
    public async Task StopApi()
    {
        await api.DisposeAsync();
        await database.DisposeAsync();
    }

    [Test]
    public async Task Create_request_is_one_trace_of_request_store_operation_and_npgsql_commands()
    {
        using var client = api.CreateClientFor(Guid.NewGuid());
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpanId = ActivitySpanId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sessions")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { prompt = "Trace me" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpanId}-01");

        using var response = await client.SendAsync(request);

        await response.ExpectAsync(HttpStatusCode.Created);
        var trace = await WaitForServerSpanAsync(traceId);
        var server = trace.Single(s => s.Source.Name == AspNetCoreSource);
        var operation = trace.Single(s => s.Source.Name == LibrarySource);
        var commands = trace.Where(s => s.Source.Name == NpgsqlSource).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(server.Kind, Is.EqualTo(ActivityKind.Server));
            Assert.That(server.ParentSpanId, Is.EqualTo(callerSpanId), "the request span continues the caller's trace");
            Assert.That(operation.DisplayName, Is.EqualTo("session_store.create_from_prompt"));
            Assert.That(operation.ParentSpanId, Is.EqualTo(server.SpanId), "the store operation is beneath the request");
            Assert.That(commands, Is.Not.Empty, "Npgsql traced the operation's commands");
            // A new physical connection is traced too ("CONNECT"), with the library's login check beneath it: both
            // still lie beneath the store operation.
            Assert.That(
                commands.Select(c => BeneathConnect(c, commands) ? commands.Single(o => o.SpanId == c.ParentSpanId).ParentSpanId : c.ParentSpanId),
                Is.All.EqualTo(operation.SpanId),
                "every command is beneath the store operation");
            Assert.That(commands.Select(c => c.Kind), Is.All.EqualTo(ActivityKind.Client));
            Assert.That(trace, Has.Count.EqualTo(2 + commands.Count), "nothing else in the trace");
        });
    }

    private static bool BeneathConnect(Activity command, List<Activity> commands) =>
        commands.Any(o => o.SpanId == command.ParentSpanId && o.OperationName.StartsWith("CONNECT", StringComparison.Ordinal));

    [Test]
    public async Task Request_without_a_traceparent_starts_a_trace_of_its_own()
    {
        using var client = api.CreateClientFor(Guid.NewGuid());
        var path = $"/api/sessions/{Guid.NewGuid()}";

        using var response = await client.GetAsync(path);

        await response.ExpectAsync(HttpStatusCode.NotFound);
        var server = await WaitForAsync(() => spans.FirstOrDefault(s => s.Source.Name == AspNetCoreSource && path.Equals(s.GetTagItem("url.path"))));
        var trace = spans.OfTrace(server.TraceId);
        Assert.Multiple(() =>
        {
            Assert.That(server.ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "the request span is the root");
            Assert.That(trace.Single(s => s.Source.Name == LibrarySource).ParentSpanId, Is.EqualTo(server.SpanId));
            Assert.That(trace.Count(s => s.Source.Name == NpgsqlSource), Is.Positive);
        });
    }

    // The server's span ends after the response is written, so it may be exported a moment after the client has it;
    // it ends last, so once it is there its trace is complete.
    private Task<List<Activity>> WaitForServerSpanAsync(ActivityTraceId traceId) =>
        WaitForAsync(() => spans.OfTrace(traceId) is var trace && trace.Any(s => s.Source.Name == AspNetCoreSource) ? trace : null);

    private static async Task<T> WaitForAsync<T>(Func<T?> probe)
        where T : class
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (probe() is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The request's span was not exported within 5 seconds.");
        throw new InvalidOperationException("unreachable");
    }
}
