using LiftSys.Sessions.EfCore;
using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// A fresh, uniquely named database owned by <see cref="PostgresServer.OwnerRole"/>, dropped on dispose. Tests get
/// one each, so they can run in parallel without seeing each other's rows.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private int disposed;

    private TestDatabase(PostgresServer server, string name)
    {
        Server = server;
        Name = name;
        OwnerConnectionString = server.OwnerConnectionString(name);
        SuperuserConnectionString = server.SuperuserConnectionStringFor(name);
    }

    /// <summary>Gets the server the database lives on.</summary>
    public PostgresServer Server { get; }

    /// <summary>Gets the database name.</summary>
    public string Name { get; }

    /// <summary>Gets the connection string of <see cref="PostgresServer.OwnerRole"/> to this database.</summary>
    public string OwnerConnectionString { get; }

    /// <summary>Gets the superuser connection string to this database.</summary>
    public string SuperuserConnectionString { get; }

    /// <summary>Creates a database on the run's server (starting the server on first use).</summary>
    /// <param name="migrated">
    /// <see langword="true"/> for a database the library's EF migrations have been applied to (as the owner);
    /// <see langword="false"/> for an empty one.
    /// </param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The new database; dispose it to drop it.</returns>
    public static async Task<TestDatabase> CreateAsync(bool migrated = true, CancellationToken cancellationToken = default)
    {
        var server = await TestEnvironment.GetServerAsync(cancellationToken);

        // template0 rather than template1: an external server's template1 may hold somebody's extensions or tables.
        var template = "template0";
        if (migrated)
        {
            await server.Template.EnsureCreatedAsync(cancellationToken);
            template = server.Template.Name;
        }

        var name = $"liftsys_test_{Guid.NewGuid():N}";
        await using var connection = await server.OpenSuperuserConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(
            $"CREATE DATABASE {Sql.QuoteIdentifier(name)} TEMPLATE {Sql.QuoteIdentifier(template)} " +
            $"OWNER {Sql.QuoteIdentifier(PostgresServer.OwnerRole)}");
        return new TestDatabase(server, name);
    }

    /// <summary>Creates a context connected as <see cref="PostgresServer.OwnerRole"/>, configured with the library's migrations.</summary>
    /// <returns>A new context; the caller disposes it.</returns>
    public SessionsDbContext CreateOwnerContext() => SessionsDbContextFactory.Create(OwnerConnectionString);

    /// <summary>Opens a superuser connection to this database.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The open connection; the caller disposes it.</returns>
    public Task<NpgsqlConnection> OpenSuperuserConnectionAsync(CancellationToken cancellationToken = default) =>
        PostgresServer.OpenAsync(SuperuserConnectionString, cancellationToken);

    /// <summary>Opens a connection to this database as <see cref="PostgresServer.OwnerRole"/>.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The open connection; the caller disposes it.</returns>
    public Task<NpgsqlConnection> OpenOwnerConnectionAsync(CancellationToken cancellationToken = default) =>
        PostgresServer.OpenAsync(OwnerConnectionString, cancellationToken);

    /// <summary>Drops the database, ending any connection still open to it.</summary>
    /// <returns>A task that completes when the database is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        foreach (var connectionString in new[] { OwnerConnectionString, SuperuserConnectionString })
        {
            using var pooled = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(pooled);
        }

        // FORCE ends connections of pools we do not know about (other roles, EF's own data sources).
        await using var connection = await Server.OpenSuperuserConnectionAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {Sql.QuoteIdentifier(Name)} WITH (FORCE)");
    }
}
