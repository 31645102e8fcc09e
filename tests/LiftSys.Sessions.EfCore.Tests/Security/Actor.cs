namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>The five kinds of caller the row-level security matrix tries every operation as.</summary>
public enum Actor
{
    /// <summary>The user who owns the session.</summary>
    Owner,

    /// <summary>A different signed-in user.</summary>
    OtherUser,

    /// <summary>Role <c>anon</c>, nobody signed in.</summary>
    Anonymous,

    /// <summary>The login role itself, with no role switched to and no claims.</summary>
    NoUser,

    /// <summary>Role <c>service_role</c>.</summary>
    ServiceRole,
}
