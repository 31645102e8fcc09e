using LiftSys.Sessions.EfCore.Security;

namespace LiftSys.Sessions.EfCore;

/// <summary>
/// Options of <c>AddLiftSysSessions</c>, bound from configuration (for example the section <c>LiftSysSessions</c>) and
/// validated when the host starts.
/// </summary>
public sealed class LiftSysSessionsOptions
{
    /// <summary>The configuration section <c>AddLiftSysSessions(configuration)</c> reads when given the root configuration.</summary>
    public const string SectionName = "LiftSysSessions";

    /// <summary>
    /// Gets or sets the connection string the application uses: a login that is neither superuser, nor BYPASSRLS, nor the
    /// tables' owner (see the README's deployment model). Required.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets the connection string operations acting as the service role use, with a pool of its own. Optional:
    /// when set, <see cref="ConnectionString"/> serves users and anonymous callers only, and its login need not (and
    /// should not) be a member of <c>service_role</c>, so SQL that reaches the user-facing login cannot
    /// <c>SET ROLE service_role</c> and read every user's sessions; this login should be granted only
    /// <c>service_role</c>. When unset, the service role runs on <see cref="ConnectionString"/>, whose login must then be
    /// a member of <c>service_role</c>. Which connection an operation uses is decided by the actor when its context is
    /// created; a context created for a user refuses to act as the service role (<c>ActorRoleNotGrantedException</c>).
    /// </summary>
    public string? ServiceRoleConnectionString { get; set; }

    /// <summary>
    /// Gets or sets the connection string of the tables' owner, used only by <c>MigrateLiftSysSessionsAsync</c>.
    /// Optional; leave it unset where migrations run elsewhere (the CLI, the Supabase CLI).
    /// </summary>
    public string? MigrationConnectionString { get; set; }

    /// <summary>
    /// Gets or sets how long the role and claims last on a connection: <see cref="ClaimsScope.Connection"/> (default) for
    /// direct and session-mode connections, <see cref="ClaimsScope.Transaction"/> behind a transaction-mode pooler.
    /// </summary>
    public ClaimsScope ClaimsScope { get; set; } = ClaimsScope.Connection;

    /// <summary>Gets or sets the command timeout. Defaults to 30 seconds; 1 second to 1 hour.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many times an operation is retried after a transient failure (a dropped connection, a failover,
    /// a serialization failure). Defaults to 3; 0 turns retries off; at most 10.
    /// </summary>
    public int MaxRetryCount { get; set; } = 3;

    /// <summary>Gets or sets the longest delay between two retries. Defaults to 5 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets a value indicating whether the host acts only as the service role and accepts a login that skips
    /// row-level security. See <see cref="SessionAuthorizationOptions.ServiceRoleOnly"/>.
    /// </summary>
    public bool ServiceRoleOnly { get; set; }
}
