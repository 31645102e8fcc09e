namespace LiftSys.Sessions.EfCore.Security;

/// <summary>
/// Thrown when the login role may not switch to the role the acting actor needs — typically a user-facing login that
/// is, as recommended, not a member of <c>service_role</c>, asked to act as the service role — so the operation was
/// refused before anything ran.
/// </summary>
public sealed class ActorRoleNotGrantedException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="loginRole">The login (session) role.</param>
    /// <param name="databaseRole">The role the actor needs: <c>anon</c>, <c>authenticated</c> or <c>service_role</c>.</param>
    public ActorRoleNotGrantedException(string loginRole, string databaseRole)
        : base(
            $"The application logs in to PostgreSQL as '{loginRole}', which may not switch to '{databaseRole}' (it is not a "
            + "member of that role, or the role does not exist), so the operation was refused. "
            + (databaseRole == "service_role"
                ? "Service-role work runs on LiftSysSessionsOptions.ServiceRoleConnectionString when it is set; a context "
                  + "created for a user cannot be reused as the service role."
                : $"Grant {databaseRole} to the login (see docs/SUPABASE_SETUP.md, \"Roles and the application login\")."))
    {
        LoginRole = loginRole;
        DatabaseRole = databaseRole;
    }

    /// <summary>Gets the login (session) role that was refused.</summary>
    public string LoginRole { get; }

    /// <summary>Gets the role the actor needed.</summary>
    public string DatabaseRole { get; }
}
