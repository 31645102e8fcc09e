using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.TestSupport.Contracts;

/// <summary>
/// An <see cref="ISessionActorAccessor"/> a test sets directly, to switch the acting user between steps. One value for
/// every thread, so tasks a test starts act as the same actor; <see cref="SessionActor.Anonymous"/> until set.
/// </summary>
public sealed class MutableSessionActorAccessor : ISessionActorAccessor
{
    private volatile SessionActor current = SessionActor.Anonymous;

    /// <inheritdoc />
    public SessionActor Current
    {
        get => current;
        set => current = value ?? throw new ArgumentNullException(nameof(value));
    }
}
