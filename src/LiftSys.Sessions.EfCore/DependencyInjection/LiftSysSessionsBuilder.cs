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
    /// Serves from memory when PostgreSQL cannot be reached (a refused or dropped connection, a timeout — not an error
    /// PostgreSQL reports): the first such failure switches the process to memory until it restarts, and the health check
    /// reports Degraded. Memory loses every session on restart, and sessions stored in PostgreSQL before the switch are
    /// not visible from memory. Off unless called.
    /// </summary>
    /// <returns>This builder, so that further configuration can be chained.</returns>
    public LiftSysSessionsBuilder WithFallbackToMemory()
    {
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
