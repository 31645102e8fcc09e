namespace LiftSys.Sessions.Security;

/// <summary>
/// An <see cref="ISessionActorAccessor"/> that knows only <see cref="SessionActorScope"/>s: outside any scope the actor
/// is <see cref="SessionActor.Anonymous"/>, so nothing is readable until a host says who is acting.
/// </summary>
public sealed class AmbientSessionActorAccessor : ISessionActorAccessor
{
    /// <summary>Gets the shared instance.</summary>
    public static AmbientSessionActorAccessor Instance { get; } = new();

    /// <inheritdoc />
    public SessionActor Current => SessionActorScope.CurrentActor ?? SessionActor.Anonymous;
}
