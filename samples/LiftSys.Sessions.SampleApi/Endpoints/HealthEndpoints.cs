using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LiftSys.Sessions.SampleApi.Endpoints;

/// <summary>
/// <c>GET /health</c>: 200 when healthy or degraded, 503 when unhealthy, with a JSON body. Anonymous, so it shows
/// statuses and descriptions only — never exceptions or check data, which name roles and servers.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync })
            .AllowAnonymous()
            .WithTags("Health");
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var body = new HealthResponse(
            report.Status,
            report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(
                e => e.Key,
                e => new HealthResponse.Entry(e.Value.Status, e.Value.Description, e.Value.Duration.TotalMilliseconds),
                StringComparer.Ordinal));
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, json, context.RequestAborted);
    }

    private sealed record HealthResponse(HealthStatus Status, double TotalDurationMs, IReadOnlyDictionary<string, HealthResponse.Entry> Entries)
    {
        internal sealed record Entry(HealthStatus Status, string? Description, double DurationMs);
    }
}
