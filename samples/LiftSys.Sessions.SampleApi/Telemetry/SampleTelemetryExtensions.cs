using LiftSys.Sessions.EfCore.Diagnostics;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LiftSys.Sessions.SampleApi.Telemetry;

/// <summary>OpenTelemetry for the sample: ASP.NET Core's, LiftSys.Sessions' and Npgsql's traces and metrics.</summary>
internal static class SampleTelemetryExtensions
{
    // Seconds, from a fast keyed read to the spec's one-second bar and well past it: the SDK's default boundaries are
    // meant for milliseconds (0, 5, 10, … 10000) and would put every operation in the first bucket, leaving the
    // p95 > 1 s alert blind.
    private static readonly double[] OperationSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10];

    // A session lives for minutes to hours between creation and finalization.
    private static readonly double[] SessionSeconds = [10, 30, 60, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400];

    /// <summary>
    /// Adds tracing (requests, store operations, Npgsql commands) and metrics (the same three, plus Npgsql's pool)
    /// with the exporter named by <see cref="TelemetrySettings.Exporter"/>, and the Prometheus exporter when its
    /// endpoint is on.
    /// </summary>
    public static WebApplicationBuilder AddSampleTelemetry(this WebApplicationBuilder builder)
    {
        var settings = ReadSettings(builder.Configuration);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(settings.ServiceName))
            .WithTracing(tracing =>
            {
                tracing
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbe(context, settings))
                    .AddSource(SessionsTelemetry.ActivitySourceName)
                    .AddNpgsql();
                _ = settings.Exporter switch
                {
                    TelemetryExporter.Console => tracing.AddConsoleExporter(),
                    TelemetryExporter.Otlp => tracing.AddOtlpExporter(),
                    _ => tracing,
                };
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddMeter(SessionsTelemetry.MeterName)
                    .AddNpgsqlInstrumentation()
                    .AddView("liftsys.sessions.operation.duration", new ExplicitBucketHistogramConfiguration { Boundaries = OperationSeconds })
                    .AddView("db.client.operation.duration", new ExplicitBucketHistogramConfiguration { Boundaries = OperationSeconds })
                    .AddView("liftsys.sessions.duration", new ExplicitBucketHistogramConfiguration { Boundaries = SessionSeconds });
                if (!string.IsNullOrEmpty(settings.PrometheusEndpoint))
                {
                    metrics.AddPrometheusExporter();
                }

                _ = settings.Exporter switch
                {
                    TelemetryExporter.Console => metrics.AddConsoleExporter(),
                    TelemetryExporter.Otlp => metrics.AddOtlpExporter(),
                    _ => metrics,
                };
            });
        return builder;
    }

    /// <summary>
    /// Maps the Prometheus scrape endpoint when it is on. It is anonymous (a scraper has no user token) and carries no
    /// user data — metric labels are operations, stores, error types and pool names — but a deployment should still
    /// let only its scraper reach it.
    /// </summary>
    public static WebApplication MapSampleTelemetry(this WebApplication app)
    {
        var settings = ReadSettings(app.Configuration);
        if (!string.IsNullOrEmpty(settings.PrometheusEndpoint))
        {
            app.MapPrometheusScrapingEndpoint(settings.PrometheusEndpoint).AllowAnonymous();
        }

        return app;
    }

    private static TelemetrySettings ReadSettings(IConfiguration configuration) =>
        configuration.GetSection(TelemetrySettings.SectionName).Get<TelemetrySettings>() ?? new TelemetrySettings();

    // Scrapes and health probes every few seconds would bury the requests worth reading.
    private static bool IsProbe(HttpContext context, TelemetrySettings settings) =>
        context.Request.Path.StartsWithSegments("/health")
        || (!string.IsNullOrEmpty(settings.PrometheusEndpoint) && context.Request.Path.StartsWithSegments(settings.PrometheusEndpoint));
}
