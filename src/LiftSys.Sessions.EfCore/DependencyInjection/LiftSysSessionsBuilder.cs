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
