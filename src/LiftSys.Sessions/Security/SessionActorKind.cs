namespace LiftSys.Sessions.Security;

/// <summary>Who an operation runs as, which decides the PostgreSQL role it runs under.</summary>
public enum SessionActorKind
{
    /// <summary>Nobody is signed in. Runs as <c>anon</c>, which has no access to any session table: fail closed.</summary>
    Anonymous = 0,

    /// <summary>A signed-in user. Runs as <c>authenticated</c>; row-level security limits it to the user's own rows.</summary>
    User,

    /// <summary>Trusted backend work. Runs as <c>service_role</c>, which bypasses row-level security entirely.</summary>
    ServiceRole,
}
