namespace LiftSys.Sessions.Security;

/// <summary>
/// Tells the library who is acting for the current operation. A host implements it from its own authentication (for
/// example from <c>HttpContext.User</c>); the library asks it each time it opens a connection, starts a transaction or runs a command, so a command always runs as the actor current when it executes.
/// </summary>
/// <remarks>
/// An active <see cref="SessionActorScope"/> takes precedence over the accessor, so backend code can act as the service
/// role, or on a user's behalf, in a scope that code review can see.
/// </remarks>
public interface ISessionActorAccessor
{
    /// <summary>Gets the actor for the current operation; <see cref="SessionActor.Anonymous"/> when nobody is signed in.</summary>
    SessionActor Current { get; }
}
