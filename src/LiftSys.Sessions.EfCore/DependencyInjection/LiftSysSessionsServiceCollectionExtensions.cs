using LiftSys.Sessions.EfCore.DependencyInjection;
using LiftSys.Sessions.EfCore.Diagnostics;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.EfCore.Store.Fallback;
using LiftSys.Sessions.InMemory;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiftSys.Sessions.EfCore;

/// <summary>Registers LiftSys.Sessions in a host's services.</summary>
public static class LiftSysSessionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers LiftSys.Sessions with options set in code: the options (validated on start), the library's own
    /// connection pool, a pooled <see cref="SessionsDbContext"/> that acts as the current <see cref="ISessionActorAccessor"/>
    /// under row-level security, and <see cref="ISessionStore"/> (PostgreSQL, with metrics, traces and logs). Calling it
    /// again only adds the option settings.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the <see cref="LiftSysSessionsOptions"/>.</param>
    /// <returns>A builder, so that further configuration can be chained.</returns>
    public static LiftSysSessionsBuilder AddLiftSysSessions(this IServiceCollection services, Action<LiftSysSessionsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, builder => builder.Configure(configure));
    }

    /// <summary>
    /// Registers LiftSys.Sessions with options bound from <paramref name="configuration"/>: either the
    /// <see cref="LiftSysSessionsOptions.SectionName"/> section itself or a configuration that contains it.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The section, or the root configuration.</param>
    /// <returns>A builder, so that further configuration can be chained.</returns>
    public static LiftSysSessionsBuilder AddLiftSysSessions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(LiftSysSessionsOptions.SectionName);
        var source = section.Exists() ? section : configuration;
        return AddCore(services, builder => builder.Bind(source));
    }

    private static LiftSysSessionsBuilder AddCore(IServiceCollection services, Action<OptionsBuilder<LiftSysSessionsOptions>> configureOptions)
    {
        configureOptions(services.AddOptions<LiftSysSessionsOptions>().ValidateOnStart());

        var builder = new LiftSysSessionsBuilder(services);
        if (services.Any(d => d.ServiceType == typeof(LiftSysSessionsMarker)))
        {
            return builder;
        }

        services.AddSingleton<LiftSysSessionsMarker>();
        services.AddSingleton(new SessionStorageState());
        services.AddMetrics();
        services.TryAddSingleton<SessionsMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LiftSysSessionsOptions>, LiftSysSessionsOptionsValidator>());
        services.TryAddSingleton<ISessionActorAccessor>(AmbientSessionActorAccessor.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SessionsDataSource>();

        // Pooled contexts, from the user-facing pool or, for the service role, its own pool (ServiceRoleConnectionString).
        services.TryAddSingleton<ActorRoutedDbContextFactory>();
        services.TryAddSingleton<IDbContextFactory<SessionsDbContext>>(sp => sp.GetRequiredService<ActorRoutedDbContextFactory>());
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<SessionsDbContext>>().CreateDbContext());

        services.TryAddSingleton(sp => new EfCoreSessionStore(
            sp.GetRequiredService<IDbContextFactory<SessionsDbContext>>(), sp.GetRequiredService<ISessionActorAccessor>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new InMemorySessionStore(sp.GetRequiredService<ISessionActorAccessor>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(CreateStore);
        return builder;
    }

    private static ISessionStore CreateStore(IServiceProvider services)
    {
        var state = services.GetRequiredService<SessionStorageState>();
        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var memory = services.GetRequiredService<InMemorySessionStore>();
        var (store, name) = state switch
        {
            { InMemoryOnly: true } => ((ISessionStore)memory, "memory"),
            { FallbackEnabled: true } => (CreateFallbackStore(services, state, memory, loggers), "postgresql_with_fallback"),
            _ => (services.GetRequiredService<EfCoreSessionStore>(), "postgresql"),
        };
        return new InstrumentedSessionStore(store, name, services.GetRequiredService<SessionsMetrics>(), loggers.CreateLogger("LiftSys.Sessions.Store"));
    }

    private static FallbackSessionStore CreateFallbackStore(
        IServiceProvider services, SessionStorageState state, InMemorySessionStore memory, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("LiftSys.Sessions.Fallback");
        var options = services.GetRequiredService<IOptions<LiftSysSessionsOptions>>().Value;
        var probe = new PostgresConnectivityProbe(options.ConnectionString!, state.FallbackOptions.ProbeTimeout);
        var recovery = new FallbackRecovery(
            memory,
            new FallbackWriteBack(services.GetRequiredService<IDbContextFactory<SessionsDbContext>>()),
            state,
            services.GetRequiredService<SessionsMetrics>(),
            logger);
        var breaker = new FallbackCircuitBreaker(state.FallbackOptions, probe, state, logger, () => recovery.Schedule(now: true));
        return new FallbackSessionStore(services.GetRequiredService<EfCoreSessionStore>(), memory, breaker, recovery);
    }

    /// <summary>Marks a collection in which the library's services are already registered.</summary>
    private sealed class LiftSysSessionsMarker;
}
