using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// A PostgreSQL server of a test's own, with the run's roles and one migrated database, that the test may stop and
/// start again (an outage) without touching the shared server every other test uses. Always a throwaway cluster from
/// the local binaries, whatever backend the run's shared server comes from.
/// </summary>
public sealed class DedicatedPostgresServer : IAsyncDisposable
{
    private const string DatabaseName = "liftsys_dedicated";

    private readonly LocalPostgresCluster cluster;
    private readonly PostgresServer server;

    private DedicatedPostgresServer(LocalPostgresCluster cluster, PostgresServer server)
    {
        this.cluster = cluster;
        this.server = server;
    }

    /// <summary>Gets the connection string of <see cref="PostgresServer.AppRole"/> (the application's login) to the migrated database.</summary>
    public string AppConnectionString => server.AppConnectionString(DatabaseName);

    /// <summary>Gets the superuser connection string to the migrated database.</summary>
    public string SuperuserConnectionString => server.SuperuserConnectionStringFor(DatabaseName);

    /// <summary>Starts a cluster, creates the roles and a database migrated by the library's migrations as the owner.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it and delete its files.</returns>
    public static async Task<DedicatedPostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var cluster = await LocalPostgresCluster.StartAsync(cancellationToken);
        try
        {
            var server = await PostgresServer.ConnectAsync(cluster.CreateSuperuserConnectionString(), cluster, cancellationToken);
            await using (var connection = await server.OpenSuperuserConnectionAsync(cancellationToken))
            {
                await connection.ExecuteAsync(
                    $"CREATE DATABASE {Sql.QuoteIdentifier(DatabaseName)} TEMPLATE template0 OWNER {Sql.QuoteIdentifier(PostgresServer.OwnerRole)}");
            }

            await using (var context = SessionsDbContextFactory.Create(server.OwnerConnectionString(DatabaseName)))
            {
                await context.Database.MigrateAsync(cancellationToken);
            }

            return new DedicatedPostgresServer(cluster, server);
        }
        catch
        {
            await cluster.StopAsync();
            throw;
        }
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>), keeping its data.</summary>
    /// <returns>A task that completes when the server is down.</returns>
    public Task StopServerAsync() => cluster.StopServerAsync();

    /// <summary>Starts the stopped server again on the same port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the server accepts connections.</returns>
    public Task StartServerAsync(CancellationToken cancellationToken = default) => cluster.StartAgainAsync(cancellationToken);

    /// <summary>Opens a superuser connection to the migrated database (not pooled, so no connection outlives an outage).</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The open connection; the caller disposes it.</returns>
    public Task<NpgsqlConnection> OpenSuperuserConnectionAsync(CancellationToken cancellationToken = default) =>
        PostgresServer.OpenAsync(new NpgsqlConnectionStringBuilder(SuperuserConnectionString) { Pooling = false }.ConnectionString, cancellationToken);

    /// <summary>Stops the server and deletes its files.</summary>
    /// <returns>A task that completes when the cluster is gone.</returns>
    public ValueTask DisposeAsync() => new(cluster.StopAsync());
}
