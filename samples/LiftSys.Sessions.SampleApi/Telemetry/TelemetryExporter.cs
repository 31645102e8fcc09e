namespace LiftSys.Sessions.SampleApi.Telemetry;

/// <summary>Where the sample sends its traces and metrics, besides the Prometheus scrape endpoint.</summary>
internal enum TelemetryExporter
{
    /// <summary>Nowhere: metrics are still served to Prometheus when its endpoint is on.</summary>
    None,

    /// <summary>Printed to standard output, for trying the sample locally.</summary>
    Console,

    /// <summary>OTLP to a collector; the endpoint and protocol come from the standard <c>OTEL_EXPORTER_OTLP_*</c> settings.</summary>
    Otlp,
}
