using Microsoft.Extensions.Options;
using Npgsql;

namespace LiftSys.Sessions.EfCore.DependencyInjection;

/// <summary>
/// The library's own <see cref="NpgsqlDataSource"/> (its connection pool), kept apart from any data source the host
/// registers for itself, and disposed with the service provider.
/// </summary>
internal sealed class SessionsDataSource(IOptions<LiftSysSessionsOptions> options) : IAsyncDisposable, IDisposable
{
    private readonly Lazy<NpgsqlDataSource> dataSource = new(() => new NpgsqlDataSourceBuilder(options.Value.ConnectionString).ConfigureLiftSysSessions().Build());

    public NpgsqlDataSource DataSource => dataSource.Value;

    public void Dispose()
    {
        if (dataSource.IsValueCreated)
        {
            dataSource.Value.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource.IsValueCreated)
        {
            await dataSource.Value.DisposeAsync().ConfigureAwait(false);
        }
    }
}
