using LiftSys.Sessions.EfCore.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LiftSys.Sessions.EfCore.DependencyInjection;

/// <summary>
/// The library's own <see cref="NpgsqlDataSource"/>s (its connection pools), kept apart from any data source the host
/// registers for itself, and disposed with the service provider: one for <see cref="LiftSysSessionsOptions.ConnectionString"/>
/// and, when it is set, one for <see cref="LiftSysSessionsOptions.ServiceRoleConnectionString"/>.
/// </summary>
internal sealed class SessionsDataSource : IAsyncDisposable, IDisposable
{
    private readonly Lazy<NpgsqlDataSource> dataSource;

    private readonly Lazy<NpgsqlDataSource?> serviceRoleDataSource;

    public SessionsDataSource(IOptions<LiftSysSessionsOptions> options)
    {
        dataSource = new(() => Build(options.Value.ConnectionString, LoginChecks.User));
        serviceRoleDataSource = new(() =>
            string.IsNullOrWhiteSpace(options.Value.ServiceRoleConnectionString)
                ? null
                : Build(options.Value.ServiceRoleConnectionString, LoginChecks.ServiceRole));
    }

    /// <summary>Gets the login checks the two pools run on each of their physical connections.</summary>
    public (PhysicalConnectionLoginCheck User, PhysicalConnectionLoginCheck ServiceRole) LoginChecks { get; } = (new(), new());

    /// <summary>Gets the pool of <see cref="LiftSysSessionsOptions.ConnectionString"/>.</summary>
    public NpgsqlDataSource DataSource => dataSource.Value;

    /// <summary>Gets the pool of <see cref="LiftSysSessionsOptions.ServiceRoleConnectionString"/>, or <see langword="null"/> when it is not set.</summary>
    public NpgsqlDataSource? ServiceRoleDataSource => serviceRoleDataSource.Value;

    private static NpgsqlDataSource Build(string? connectionString, PhysicalConnectionLoginCheck loginCheck) =>
        loginCheck.AddTo(new NpgsqlDataSourceBuilder(connectionString).ConfigureLiftSysSessions()).Build();

    public void Dispose()
    {
        if (dataSource.IsValueCreated)
        {
            dataSource.Value.Dispose();
        }

        if (serviceRoleDataSource.IsValueCreated)
        {
            serviceRoleDataSource.Value?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource.IsValueCreated)
        {
            await dataSource.Value.DisposeAsync().ConfigureAwait(false);
        }

        if (serviceRoleDataSource.IsValueCreated && serviceRoleDataSource.Value is { } serviceRole)
        {
            await serviceRole.DisposeAsync().ConfigureAwait(false);
        }
    }
}
