using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// One database migrated by the real EF migrations once per run and marked as a template, so each migrated test
/// database is a cheap file-level copy instead of a full migration.
/// </summary>
internal sealed class MigratedTemplate(PostgresServer server, string name)
{
    private readonly Lock sync = new();
    private Task? creation;

    public string Name => name;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        lock (sync)
        {
            // Not cancellable itself: other tests wait on the same task, and a half-made template helps nobody.
            creation ??= Task.Run(CreateAsync, CancellationToken.None);
        }

        return creation.WaitAsync(cancellationToken);
    }

    public async Task DropAsync()
    {
        lock (sync)
        {
            if (creation is null)
            {
                return;
            }
        }

        await using var connection = await server.OpenSuperuserConnectionAsync(CancellationToken.None);
        var exists = await connection.ScalarAsync<bool>(
            "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name);
        if (exists)
        {
            // PostgreSQL refuses to drop a database while it is marked as a template.
            await connection.ExecuteAsync($"ALTER DATABASE {Sql.QuoteIdentifier(name)} WITH IS_TEMPLATE false");
            await connection.ExecuteAsync($"DROP DATABASE {Sql.QuoteIdentifier(name)} WITH (FORCE)");
        }
    }

    private async Task CreateAsync()
    {
        var quotedName = Sql.QuoteIdentifier(name);
        await using (var connection = await server.OpenSuperuserConnectionAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(
                $"CREATE DATABASE {quotedName} TEMPLATE template0 OWNER {Sql.QuoteIdentifier(PostgresServer.OwnerRole)}");
        }

        // As the owner, like a real deployment: a migration that needs more than ownership fails here, not in production.
        var ownerConnectionString = server.OwnerConnectionString(name);
        await using (var context = SessionsDbContextFactory.Create(ownerConnectionString))
        {
            await context.Database.MigrateAsync();
        }

        // CREATE DATABASE ... TEMPLATE fails while anybody is connected to the template, and the pool keeps the
        // migration's connection open.
        using (var pooled = new NpgsqlConnection(ownerConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using (var connection = await server.OpenSuperuserConnectionAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync($"ALTER DATABASE {quotedName} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");

            // Belt and braces for connections no pool of ours owns (EF may use its own data source): with
            // connections disallowed nothing new can arrive, and CREATE DATABASE waits a few seconds for these to end.
            await connection.ExecuteAsync(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                name);
        }
    }
}
