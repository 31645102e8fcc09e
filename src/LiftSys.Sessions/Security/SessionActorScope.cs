namespace LiftSys.Sessions.Security;

/// <summary>
/// Runs a block of code as a given actor, overriding the host's <see cref="ISessionActorAccessor"/> for the current
/// asynchronous flow until disposed. Scopes nest; disposing restores the enclosing actor.
/// </summary>
/// <example>
/// <code>
/// using (SessionActorScope.BeginServiceRole("nightly export of user_analytics"))
/// {
///     await store.ListByStatusAsync(SessionStatus.Finalized, page, cancellationToken);
/// }
/// </code>
/// </example>
public sealed class SessionActorScope : IDisposable
{
    private static readonly AsyncLocal<SessionActorScope?> CurrentScope = new();

    private readonly SessionActorScope? parent;
    private bool disposed;

    private SessionActorScope(SessionActor actor, string reason)
    {
        Actor = actor;
        Reason = reason;
        parent = CurrentScope.Value;
        CurrentScope.Value = this;
    }

    /// <summary>Gets the actor of the innermost active scope in this asynchronous flow, or <see langword="null"/> if none.</summary>
    public static SessionActor? CurrentActor => CurrentScope.Value?.Actor;

    /// <summary>Gets the actor this scope runs as.</summary>
    public SessionActor Actor { get; }

    /// <summary>Gets why the scope was opened, as given by the caller.</summary>
    public string Reason { get; }

    /// <summary>
    /// Acts as the service role, which bypasses row-level security entirely, until the scope is disposed. Every use is
    /// meant to be visible in review: search the code base for <c>BeginServiceRole</c>.
    /// </summary>
    /// <param name="reason">Why row-level security may be bypassed here; required so each use documents itself.</param>
    /// <returns>The scope; dispose it to end it.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is empty.</exception>
    public static SessionActorScope BeginServiceRole(string reason) => Begin(SessionActor.ServiceRole, reason);

    /// <summary>Acts as <paramref name="actor"/> (for example a user, from a background job) until the scope is disposed.</summary>
    /// <param name="actor">The actor to act as.</param>
    /// <param name="reason">Why the host's own actor is overridden.</param>
    /// <returns>The scope; dispose it to end it.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is empty.</exception>
    public static SessionActorScope Begin(SessionActor actor, string reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new SessionActorScope(actor, reason);
    }

    /// <summary>Ends the scope and restores the enclosing one.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;

        // Only the innermost scope of this flow can restore its parent; an out-of-order dispose must not resurrect a
        // scope that was already closed.
        if (ReferenceEquals(CurrentScope.Value, this))
        {
            CurrentScope.Value = parent;
        }
    }
}
