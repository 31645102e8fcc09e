namespace LiftSys.Sessions.SampleApi.Telemetry;

/// <summary>The sample's OpenTelemetry settings, from the configuration section <see cref="SectionName"/>.</summary>
internal sealed class TelemetrySettings
{
    public const string SectionName = "Telemetry";

    /// <summary>Gets or sets the exporter of traces and metrics: <c>none</c>, <c>console</c> or <c>otlp</c>.</summary>
    public TelemetryExporter Exporter { get; set; } = TelemetryExporter.None;

    /// <summary>Gets or sets the <c>service.name</c> resource attribute.</summary>
    public string ServiceName { get; set; } = "liftsys-sessions-sample";

    /// <summary>Gets or sets the path of the Prometheus scrape endpoint; empty turns it off.</summary>
    public string? PrometheusEndpoint { get; set; } = "/metrics";
}
