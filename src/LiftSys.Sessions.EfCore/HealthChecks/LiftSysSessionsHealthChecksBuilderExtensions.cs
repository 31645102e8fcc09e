using LiftSys.Sessions.EfCore.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LiftSys.Sessions.EfCore;

/// <summary>Adds LiftSys.Sessions' health check.</summary>
public static class LiftSysSessionsHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check that PostgreSQL answers, every migration is applied, row-level security is on for the four tables,
    /// and the login role does not skip it. Requires <c>AddLiftSysSessions</c>. It also reports, without failing, a
    /// user-facing login that can switch to <c>service_role</c> (data <c>login_can_switch_to_service_role</c>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Defaults to <c>liftsys-sessions</c>.</param>
    /// <param name="failureStatus">The status to report on failure. Defaults to <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, for example <c>ready</c>.</param>
    /// <returns>The same builder, so that further configuration can be chained.</returns>
    public static IHealthChecksBuilder AddLiftSysSessions(
        this IHealthChecksBuilder builder, string name = "liftsys-sessions", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<SessionsHealthCheck>(name, failureStatus, tags ?? []);
    }
}
