using LiftSys.Sessions.EfCore.DependencyInjection;
using LiftSys.Sessions.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LiftSys.Sessions.EfCore;

/// <summary>
/// Returned by <c>AddLiftSysSessions</c> so that further configuration can be chained.
/// </summary>
public sealed class LiftSysSessionsBuilder
{
    internal LiftSysSessionsBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>Gets the service collection the library is registered in.</summary>
    public IServiceCollection Services { get; }

    private SessionStorageState State =>
        (SessionStorageState)Services.Last(d => d.ServiceType == typeof(SessionStorageState)).ImplementationInstance!;

    /// <summary>
    /// Keeps sessions in memory instead of PostgreSQL (the spec's <c>USE_SUPABASE=false</c>): for development, tests, or
    /// an outage declared by an operator. Every session is lost when the process stops, and instances do not share them;
    /// the health check reports Degraded. No connection string is needed.
    /// </summary>
    /// <returns>This builder, so that further configuration can be chained.</returns>
    public LiftSysSessionsBuilder UseInMemoryStore()
    {
        State.InMemoryOnly = true;
        return this;
    }

    /// <summary>
    /// Serves from memory while PostgreSQL cannot be reached, with the default <see cref="FallbackToMemoryOptions"/>.
    /// See <see cref="WithFallbackToMemory(Action{FallbackToMemoryOptions})"/>.
    /// </summary>
    /// <returns>This builder, so that further configuration can be chained.</returns>
    public LiftSysSessionsBuilder WithFallbackToMemory() => WithFallbackToMemory(static _ => { });

    /// <summary>
    /// Serves from memory while PostgreSQL cannot be reached, and moves what memory took back to PostgreSQL when it can
    /// be reached again. Off unless called.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>When it trips.</b> A Polly circuit breaker in front of PostgreSQL counts only confirmed outages: an operation
    /// failed on a refused, unreachable or dropped connection, a timeout, or the server shutting down or starting up
    /// (57P01, 57P02, 57P03) — found anywhere in its exception's <see cref="Exception.InnerException"/> chain — and a
    /// fresh connection could not be opened either. Errors PostgreSQL reports (constraints, serialization failures,
    /// deadlocks, too many connections), lock waits and command timeouts, an exhausted pool or one terminated backend
    /// on a server that still accepts connections never trip it.
    /// </para>
    /// <para>
    /// <b>While tripped</b> (the health check reports Degraded), new sessions are created in memory and memory serves
    /// them; every operation on a session stored in PostgreSQL — and every list and search, which would be incomplete —
    /// throws <see cref="SessionStoreUnavailableException"/> with a <see cref="SessionStoreUnavailableException.RetryAfter"/>
    /// hint: never <see langword="null"/>, never "not found".
    /// </para>
    /// <para>
    /// <b>Recovery.</b> After <see cref="FallbackToMemoryOptions.BreakDuration"/> the next operation probes PostgreSQL
    /// (a fresh connection, then the operation itself); when it succeeds PostgreSQL serves again and every session
    /// memory took is written back in the background with the same ids, owners, numbers and content, under its owner's
    /// identity (row-level security applies), idempotently. Memory keeps serving each session until PostgreSQL has it.
    /// <c>created_at</c> and <c>updated_at</c> are the database's and carry the time of the write-back. A session
    /// PostgreSQL refuses (a conflicting id) stays in memory, is logged (event 3005), counted
    /// (<c>liftsys.sessions.fallback.write_backs</c>, outcome <c>failed</c>) and keeps the health check Degraded. Only
    /// what has not been written back is lost if the process stops.
    /// </para>
    /// </remarks>
    /// <param name="configure">Changes the breaker's settings; each is checked at once.</param>
    /// <returns>This builder, so that further configuration can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range; the exception names it.</exception>
    public LiftSysSessionsBuilder WithFallbackToMemory(Action<FallbackToMemoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(State.FallbackOptions);
        State.FallbackOptions.Validate();
        State.FallbackEnabled = true;
        return this;
    }

    /// <summary>
    /// Uses <typeparamref name="TAccessor"/> to tell the library who is acting, replacing the default
    /// (<see cref="AmbientSessionActorAccessor"/>, which knows only <see cref="SessionActorScope"/>s). It is registered as
    /// a singleton because pooled contexts share their options: read per-request state through something like
    /// <c>IHttpContextAccessor</c> inside it.
    /// </summary>
    /// <typeparam name="TAccessor">The accessor type.</typeparam>
    /// <returns>This builder, so that further configuration can be chained.</returns>
    public LiftSysSessionsBuilder UseActorAccessor<TAccessor>()
        where TAccessor : class, ISessionActorAccessor
    {
        Services.Replace(ServiceDescriptor.Singleton<ISessionActorAccessor, TAccessor>());
        return this;
    }
}
