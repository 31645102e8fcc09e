using LiftSys.Sessions.Security;

namespace LiftSys.Sessions;

/// <summary>
/// The rules every <see cref="ISessionStore"/> applies the same way, so the in-memory and PostgreSQL stores cannot drift
/// apart: who is acting, who may own a new session, what an anonymous caller may do, and what a finalized session takes.
/// </summary>
internal static class SessionStoreRules
{
    /// <summary>
    /// A stand-in parent id for validating a child's input before the actor and the session are looked at, so bad input
    /// is refused the same way whoever calls and whether or not the session exists.
    /// </summary>
    public static readonly Guid ValidationSessionId = Guid.AllBitsSet;

    /// <summary>The actor of an active <see cref="SessionActorScope"/>, else the accessor's, else anonymous.</summary>
    public static SessionActor CurrentActor(ISessionActorAccessor actors) =>
        SessionActorScope.CurrentActor ?? actors.Current ?? SessionActor.Anonymous;

    /// <summary>Who owns a session <paramref name="actor"/> creates, given the owner it asked for.</summary>
    public static Guid OwnerOfNewSession(SessionActor actor, Guid? ownerId) => actor.Kind switch
    {
        // A user actor always has its id (SessionActor.ForUser requires it), so Nullable.Equals: the lifted == would add
        // a has-no-value case that no actor can reach.
        SessionActorKind.User when ownerId is null || Nullable.Equals(ownerId, actor.UserId) => actor.UserId!.Value,
        SessionActorKind.User => throw new SessionAccessDeniedException(
            actor.Kind, "A user can create sessions only for themselves; only the service role may name another owner."),
        SessionActorKind.ServiceRole => ownerId ?? throw new SessionValidationException(
            "user_id", ValidationRule.Required, "The service role has no user of its own: name the owner in CreateSessionOptions.OwnerId."),
        _ => throw DeniedToAnonymous(),
    };

    /// <summary>The refusal of any write by an anonymous caller.</summary>
    public static SessionAccessDeniedException DeniedToAnonymous() =>
        new(SessionActorKind.Anonymous, "Nobody is signed in, so nothing can be written: act as a user or, in reviewed backend code, as the service role.");

    /// <summary>Refuses new history (revisions, drafts, hole resolutions, rollbacks) on a finalized session.</summary>
    public static void EnsureTakesHistory(Guid sessionId, SessionStatus status)
    {
        if (status == SessionStatus.Finalized)
        {
            throw new SessionValidationException(
                "status",
                ValidationRule.StatusTransition,
                $"Session {sessionId} is finalized: it takes no new revisions, drafts or hole resolutions.");
        }
    }

    /// <summary>
    /// When a session finalized now is finalized: the clock's time truncated to microseconds (what <c>timestamptz</c>
    /// keeps, so the value returned equals the value read back later), and never before the session's creation, whose
    /// time may come from another clock (the database's).
    /// </summary>
    public static DateTimeOffset FinalizationTime(TimeProvider timeProvider, Session session)
    {
        var now = ToMicroseconds(timeProvider.GetUtcNow());
        return now < session.CreatedAt ? session.CreatedAt : now;
    }

    /// <summary>Truncates to whole microseconds, in UTC, as <c>timestamptz</c> stores times.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }
}
