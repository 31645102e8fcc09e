namespace LiftSys.Sessions.EfCore.Security;

/// <summary>
/// Thrown when the role the application logs in as would make PostgreSQL skip row-level security — a superuser, a role
/// with BYPASSRLS, or the owner of the session tables (or a role inheriting from it) — so the operation was refused
/// rather than run without user isolation.
/// </summary>
public sealed class UnsafeLoginRoleException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="loginRole">The login (session) role.</param>
    /// <param name="reasons">Why it is unsafe, for example <c>superuser</c> or <c>owner of the session tables</c>.</param>
    public UnsafeLoginRoleException(string loginRole, IReadOnlyList<string> reasons)
        : base(
            $"The application logs in to PostgreSQL as '{loginRole}', which is {string.Join(" and ", reasons ?? [])}: row-level "
            + "security would not isolate users on it, so the operation was refused. Log in as a NOINHERIT role that is "
            + "only granted anon, authenticated and service_role (Supabase's 'authenticator'); see the README. A host that "
            + "only ever acts as the service role may set SessionAuthorizationOptions.ServiceRoleOnly.")
    {
        LoginRole = loginRole;
        Reasons = reasons ?? [];
    }

    /// <summary>Gets the login (session) role that was refused.</summary>
    public string LoginRole { get; }

    /// <summary>Gets why the login role skips row-level security.</summary>
    public IReadOnlyList<string> Reasons { get; }
}
