using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LiftSys.Sessions.EfCore.DependencyInjection;

/// <summary>
/// The library's <see cref="IDbContextFactory{TContext}"/>: pooled contexts over the user-facing connection string, and,
/// when <see cref="LiftSysSessionsOptions.ServiceRoleConnectionString"/> is set, a second pool over that one for
/// operations acting as the service role. The actor current when a context is created picks the pool, so the store
/// needs to know nothing about it, and the user-facing login need not be able to become <c>service_role</c>.
/// </summary>
/// <remarks>
/// Pooled: the options (and so the interceptor) are built once per pool, which is why the actor accessor is a singleton
/// that reads the current actor before every command.
/// </remarks>
internal sealed class ActorRoutedDbContextFactory : IDbContextFactory<SessionsDbContext>
{
    private readonly ISessionActorAccessor actors;
    private readonly Lazy<PooledDbContextFactory<SessionsDbContext>> userContexts;
    private readonly Lazy<PooledDbContextFactory<SessionsDbContext>?> serviceRoleContexts;

    public ActorRoutedDbContextFactory(IOptions<LiftSysSessionsOptions> options, SessionsDataSource dataSources, ISessionActorAccessor actors)
    {
        this.actors = actors;

        // Lazy: a host serving from memory has no connection string, and resolving the factory must not need one.
        userContexts = new(() => CreatePool(options.Value, dataSources.DataSource, dataSources.LoginChecks.User));
        serviceRoleContexts = new(() => dataSources.ServiceRoleDataSource is { } serviceRole ? CreatePool(options.Value, serviceRole, dataSources.LoginChecks.ServiceRole) : null);
    }

    public SessionsDbContext CreateDbContext() => Pick().CreateDbContext();

    public Task<SessionsDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) => Pick().CreateDbContextAsync(cancellationToken);

    private PooledDbContextFactory<SessionsDbContext> Pick() =>
        SessionStoreRules.CurrentActor(actors).Kind == SessionActorKind.ServiceRole && serviceRoleContexts.Value is { } serviceRole
            ? serviceRole
            : userContexts.Value;

    private PooledDbContextFactory<SessionsDbContext> CreatePool(LiftSysSessionsOptions options, NpgsqlDataSource dataSource, PhysicalConnectionLoginCheck loginCheck)
    {
        var builder = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(dataSource, npgsql =>
            {
                npgsql.UseLiftSysSessionsMigrations();
                npgsql.SetPostgresVersion(15, 0);
                npgsql.CommandTimeout((int)options.CommandTimeout.TotalSeconds);
                if (options.MaxRetryCount > 0)
                {
                    npgsql.EnableRetryOnFailure(options.MaxRetryCount, options.MaxRetryDelay, errorCodesToAdd: null);
                }
            })
            .UseLiftSysSessionsAuthorization(actors, authorization =>
            {
                authorization.ClaimsScope = options.ClaimsScope;
                authorization.ServiceRoleOnly = options.ServiceRoleOnly;
                authorization.LoginCheck = loginCheck;
            });
        return new PooledDbContextFactory<SessionsDbContext>(builder.Options);
    }
}
