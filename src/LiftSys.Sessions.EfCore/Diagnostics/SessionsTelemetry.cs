using System.Diagnostics;

namespace LiftSys.Sessions.EfCore.Diagnostics;

/// <summary>
/// The names LiftSys.Sessions publishes telemetry under. Subscribe with OpenTelemetry's
/// <c>AddMeter(SessionsTelemetry.MeterName)</c> and <c>AddSource(SessionsTelemetry.ActivitySourceName)</c>; add Npgsql's
/// own with <c>AddMeter("Npgsql")</c> and <c>AddSource("Npgsql")</c> to see every command beneath a store operation.
/// </summary>
public static class SessionsTelemetry
{
    /// <summary>The name of the library's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>LiftSys.Sessions</c>.</summary>
    public const string MeterName = "LiftSys.Sessions";

    /// <summary>The name of the library's <see cref="ActivitySource"/>: <c>LiftSys.Sessions</c>.</summary>
    public const string ActivitySourceName = "LiftSys.Sessions";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName, typeof(SessionsTelemetry).Assembly.GetName().Version?.ToString());
}
