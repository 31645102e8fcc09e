using LiftSys.Sessions.Security;

namespace LiftSys.Sessions;

/// <summary>
/// Thrown when the acting <see cref="SessionActor"/> may not write at all (nobody is signed in), or when a user tries to
/// create a session for somebody else. Nothing has been written when it is thrown.
/// </summary>
/// <remarks>
/// A signed-in user who names another user's existing session gets <see cref="SessionNotFoundException"/> instead, so
/// that the existence of other users' sessions does not leak.
/// </remarks>
public sealed class SessionAccessDeniedException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="actorKind">The kind of actor that was refused.</param>
    /// <param name="message">What was refused and why.</param>
    public SessionAccessDeniedException(SessionActorKind actorKind, string message)
        : base(message)
    {
        ActorKind = actorKind;
    }

    /// <summary>Gets the kind of actor that was refused.</summary>
    public SessionActorKind ActorKind { get; }
}
