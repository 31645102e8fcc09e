using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// Creates (or corrects) the roles every test database relies on. Idempotent, and safe when several test processes
/// share one external server: they serialize on an advisory lock.
/// </summary>
internal static class RoleLayout
{
    // Arbitrary, but fixed: every test process must contend for the same lock ("LiftSys1" in ASCII).
    private const long SetupLockKey = 0x4C69667453797331;

    // The owner of each test database and the role migrations run as, shaped like a DBA would grant it on a real
    // deployment: it owns its objects, and nothing more. In particular no SUPERUSER and no BYPASSRLS, either of
    // which would silently skip row-level security.
    private const string OwnerAttributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

    // Supabase's API roles, as a superuser creates them on plain PostgreSQL before migration 005 (which refuses to run,
    // naming these statements, when they are missing and it cannot create them itself).
    private static readonly (string Name, string Attributes)[] ApiRoles =
    [
        ("anon", "NOLOGIN NOINHERIT"),
        ("authenticated", "NOLOGIN NOINHERIT"),
        ("service_role", "NOLOGIN NOINHERIT BYPASSRLS"),
    ];

    private const string AppAttributes = "LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

    public static async Task EnsureAsync(PostgresServer server, string? ownerPassword, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenSuperuserConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock($1)", SetupLockKey);
        await EnsureRoleAsync(connection, PostgresServer.OwnerRole, OwnerAttributes);
        foreach (var (name, attributes) in ApiRoles)
        {
            await EnsureRoleAsync(connection, name, attributes);
        }

        await EnsureRoleAsync(connection, PostgresServer.AppRole, AppAttributes);
        await connection.ExecuteAsync(
            $"GRANT anon, authenticated, service_role TO {Sql.QuoteIdentifier(PostgresServer.AppRole)}");

        foreach (var role in ownerPassword is null ? [] : new[] { PostgresServer.OwnerRole, PostgresServer.AppRole })
        {
            // ALTER ROLE takes no parameters, so the values travel as transaction-local settings and the server
            // quotes them itself.
            await connection.ExecuteAsync(
                "SELECT set_config('liftsys_tests.role', $1, true), set_config('liftsys_tests.password', $2, true)",
                role,
                ownerPassword);
            await connection.ExecuteAsync(
                """
                DO $$
                BEGIN
                    EXECUTE format('ALTER ROLE %I PASSWORD %L',
                        current_setting('liftsys_tests.role'), current_setting('liftsys_tests.password'));
                END
                $$
                """);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task EnsureRoleAsync(NpgsqlConnection connection, string name, string attributes)
    {
        var exists = await connection.ScalarAsync<bool>("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)", name);
        await connection.ExecuteAsync($"{(exists ? "ALTER" : "CREATE")} ROLE {Sql.QuoteIdentifier(name)} {attributes}");
    }
}
