using System.Security.Cryptography;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// A login created for one fixture, shaped like the recommended user-facing login: LOGIN and NOINHERIT, granted only
/// <c>anon</c> and <c>authenticated</c>, so it cannot become <c>service_role</c>. Dropped on dispose.
/// </summary>
internal sealed class UserFacingLogin : IAsyncDisposable
{
    private readonly TestDatabase database;
    private readonly string password;

    private UserFacingLogin(TestDatabase database, string name, string password)
    {
        this.database = database;
        Name = name;
        this.password = password;
    }

    /// <summary>Gets the role's name, unique to this fixture (roles are shared by every database of the server).</summary>
    public string Name { get; }

    /// <summary>Gets a connection string to the fixture's database as this login.</summary>
    public string ConnectionString => database.Server.ConnectionString(database.Name, Name, password);

    public static async Task<UserFacingLogin> CreateAsync(TestDatabase database)
    {
        var name = $"liftsys_users_{Guid.NewGuid():N}"[..30];
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var connection = await database.OpenSuperuserConnectionAsync();

        // CREATE ROLE takes no parameters: the password travels as a transaction-local setting and the server quotes it.
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "SELECT set_config('liftsys_tests.role', $1, true), set_config('liftsys_tests.password', $2, true)", name, password);
        await connection.ExecuteAsync(
            """
            DO $$
            BEGIN
                EXECUTE format('CREATE ROLE %I LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L',
                    current_setting('liftsys_tests.role'), current_setting('liftsys_tests.password'));
            END
            $$
            """);
        await connection.ExecuteAsync($"GRANT anon, authenticated TO {Sql.QuoteIdentifier(name)}");
        await transaction.CommitAsync();
        return new UserFacingLogin(database, name, password);
    }

    public async ValueTask DisposeAsync()
    {
        using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = await database.Server.OpenSuperuserConnectionAsync();
        await connection.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", Name);
        await connection.ExecuteAsync($"DROP ROLE IF EXISTS {Sql.QuoteIdentifier(Name)}");
    }
}
