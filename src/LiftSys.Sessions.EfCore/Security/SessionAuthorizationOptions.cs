namespace LiftSys.Sessions.EfCore.Security;

/// <summary>How the library tells PostgreSQL who is acting.</summary>
public sealed class SessionAuthorizationOptions
{
    /// <summary>Gets or sets how long the role and claims last on a connection. Defaults to <see cref="ClaimsScope.Connection"/>.</summary>
    public ClaimsScope ClaimsScope { get; set; } = ClaimsScope.Connection;

    /// <summary>
    /// Gets or sets a value indicating whether the host uses the library only as the service role, and therefore accepts a
    /// login role that skips row-level security (a superuser, a BYPASSRLS role, or the tables' owner). Even then,
    /// operations as a user or as anonymous are refused on such a login, because row-level security would not protect
    /// them. On such a login the service role runs with the login's own rights (which skip row-level security already),
    /// without switching to <c>service_role</c>, which the login may not be a member of. Defaults to
    /// <see langword="false"/>: such a login is refused for everyone.
    /// </summary>
    public bool ServiceRoleOnly { get; set; }

    /// <summary>
    /// Gets or sets the login check the library's own data source runs on each physical connection; when it found the
    /// login safe, the claims sent with each operation skip that check. <see langword="null"/> (a context the host
    /// configured itself): every claims call checks the login.
    /// </summary>
    internal PhysicalConnectionLoginCheck? LoginCheck { get; set; }
}
