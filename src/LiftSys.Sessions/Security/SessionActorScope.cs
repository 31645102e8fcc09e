namespace LiftSys.Sessions.Security;

/// <summary>
/// Runs a block of code as a given actor, overriding the host's <see cref="ISessionActorAccessor"/> for the current
/// asynchronous flow until disposed. Scopes nest; disposing restores the enclosing actor.
/// </summary>
/// <remarks>
/// <para>Once a scope is disposed — in any order, from any flow — nothing acts under it again:</para>
/// <list type="bullet">
/// <item>A flow acts as its innermost scope that is not disposed. A scope disposed out of order (the outer one before
/// the inner one) is skipped, so the flow falls back to the nearest enclosing scope still live.</item>
/// <item>Work that outlives its scopes (a <c>Task.Run</c> or a fire-and-forget continuation started inside one, still
/// running after the scope was disposed) fails closed: it acts as <see cref="SessionActor.Anonymous"/>, never as the
/// disposed scope's actor and never as the host's accessor.</item>
/// <item><see cref="Dispose"/> in the flow where the scope is innermost ends it there, returning that flow to its nearest
/// live enclosing scope, or to no scope. <see cref="Dispose"/> from another flow marks the scope disposed (so every flow
/// skips it); a later <see cref="Dispose"/> in its own flow still ends it there.</item>
/// </list>
/// </remarks>
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

    // Written from whichever thread disposes, read by every flow that still holds the scope: volatile, so a flow on
    // another thread never keeps acting under a scope whose disposal has already returned.
    private volatile bool disposed;

    // Set when the scope was ended in a flow where it was innermost, i.e. in order. A flow that began its own scope on
    // top of it and outlived it (work started inside it) must then return to failing closed, not to the host's actor.
    private volatile bool endedInOrder;

    private SessionActorScope(SessionActor actor, string reason)
    {
        Actor = actor;
        Reason = reason;
        parent = CurrentScope.Value;
        CurrentScope.Value = this;
    }

    /// <summary>
    /// Gets the actor of the innermost live scope in this asynchronous flow; <see cref="SessionActor.Anonymous"/> if the
    /// flow holds scopes that have all been disposed (work that outlived its scope); <see langword="null"/> if it holds
    /// none, so the host's <see cref="ISessionActorAccessor"/> decides.
    /// </summary>
    public static SessionActor? CurrentActor
    {
        get
        {
            var innermost = CurrentScope.Value;
            if (innermost is null)
            {
                return null;
            }

            for (var scope = innermost; scope is not null; scope = scope.parent)
            {
                if (!scope.disposed)
                {
                    return scope.Actor;
                }
            }

            // Fail closed rather than fall back to the host's accessor: this flow was told who acts, and that has ended.
            return SessionActor.Anonymous;
        }
    }

    /// <summary>Gets the actor this scope runs as.</summary>
    public SessionActor Actor { get; }

    /// <summary>Gets why the scope was opened, as given by the caller.</summary>
    public string Reason { get; }

    /// <summary>Gets a value indicating whether the scope has been disposed; nothing acts under it any more.</summary>
    public bool IsDisposed => disposed;

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

    /// <summary>
    /// Ends the scope everywhere, and in this flow restores the nearest enclosing scope that is still live. Safe to call
    /// more than once and from any flow.
    /// </summary>
    public void Dispose()
    {
        var innermostHere = ReferenceEquals(CurrentScope.Value, this);
        if (innermostHere)
        {
            // Before 'disposed', so a flow that sees the scope disposed also sees how it ended.
            endedInOrder = true;
        }

        disposed = true;
        if (innermostHere)
        {
            CurrentScope.Value = EnclosingAfterEnd();
        }
    }

    private SessionActorScope? EnclosingAfterEnd()
    {
        for (var scope = parent; scope is not null; scope = scope.parent)
        {
            // A live scope acts again. A scope ended in order means this flow outlived it, so it keeps failing closed.
            // A scope disposed out of order is dropped: this flow is done with it.
            if (!scope.disposed || scope.endedInOrder)
            {
                return scope;
            }
        }

        return null;
    }
}
