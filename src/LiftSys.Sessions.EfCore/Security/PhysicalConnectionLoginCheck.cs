using Npgsql;

namespace LiftSys.Sessions.EfCore.Security;

/// <summary>
/// Checks, once per physical connection of one of the library's own data sources, that the login role does not skip
/// row-level security (a superuser, a BYPASSRLS role, or the session tables' owner or a role inheriting its rights), so
/// that the claims sent with each operation need not check it again.
/// </summary>
/// <remarks>
/// Every physical connection of a data source logs in as the same role, and each runs this check before it is first
/// used, so the last verdict speaks for all of them. Only a safe verdict lets the interceptor skip the per-call check;
/// an unsafe one (or none yet) leaves the check to <c>liftsys_sessions_apply_claims</c>, which then refuses the call with
/// <see cref="UnsafeLoginRoleException"/>, exactly as without this initializer. The check never fails the connection
/// itself: the health check must still be able to open one and report the unsafe login.
/// </remarks>
internal sealed class PhysicalConnectionLoginCheck
{
    internal const string Sql = """
        SELECT NOT (r.rolsuper OR r.rolbypassrls
                    OR coalesce((SELECT pg_catalog.pg_has_role(session_user, t.relowner, 'USAGE')
                                 FROM pg_catalog.pg_class t WHERE t.oid = pg_catalog.to_regclass('sessions')), false))
        FROM pg_catalog.pg_roles r
        WHERE r.rolname = session_user
        """;

    private volatile bool loginSafe;

    /// <summary>Gets whether the login role was found safe by the most recent physical connection.</summary>
    public bool LoginKnownSafe => loginSafe;

    /// <summary>Runs the check on every physical connection <paramref name="builder"/>'s data source opens.</summary>
    /// <param name="builder">The data source builder.</param>
    /// <returns>The same builder.</returns>
    public NpgsqlDataSourceBuilder AddTo(NpgsqlDataSourceBuilder builder) =>
        builder.UsePhysicalConnectionInitializer(
            connection => CheckAsync(connection, async: false).GetAwaiter().GetResult(),
            connection => CheckAsync(connection, async: true));

    private async Task CheckAsync(NpgsqlConnection connection, bool async)
    {
        // Forgotten first: while a check is unfinished or failed, every call checks the login itself.
        loginSafe = false;
        var command = new NpgsqlCommand(Sql, connection);
        await using (command.ConfigureAwait(false))
        {
            var verdict = async ? await command.ExecuteScalarAsync().ConfigureAwait(false) : command.ExecuteScalar();
            // Only a true verdict is safe (a missing one, null, is not); Equals says so without a type test.
            loginSafe = true.Equals(verdict);
        }
    }
}
