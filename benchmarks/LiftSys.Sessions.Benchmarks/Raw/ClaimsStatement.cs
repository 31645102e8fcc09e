using LiftSys.Sessions.Security;
using Npgsql;

namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>
/// What hand-written code sends to act as a user, with the library's guarantees: the role and the Supabase claims (and the
/// legacy <c>request.jwt.claim.*</c> settings), as one <c>SELECT set_config(…)</c> in front of the operation's first
/// statement. PostgreSQL itself refuses a <c>role</c> the login may not become. Whether the login skips row-level security
/// depends only on the physical connection, so the baseline checks that once per physical connection
/// (<see cref="LoginCheckSql"/>, run by its data source's physical-connection initializer), as the library does.
/// </summary>
internal static class ClaimsStatement
{
    public const string Sql = """
        SELECT set_config('role', $1, $4), set_config('request.jwt.claims', $2, $4), set_config('request.jwt.claim.sub', $3, $4),
               set_config('request.jwt.claim.role', $1, $4), set_config('request.jwt.claim', '', $4)
        """;

    /// <summary>True when the login neither is a superuser, nor BYPASSRLS, nor (a member of) the tables' owner.</summary>
    public const string LoginCheckSql = LiftSys.Sessions.EfCore.Security.PhysicalConnectionLoginCheck.Sql;

    /// <summary>Creates the command for <paramref name="actor"/>.</summary>
    /// <param name="actor">Who is acting.</param>
    /// <param name="local">
    /// <see langword="false"/> (the library's default, <c>ClaimsScope.Connection</c>): the settings last until Npgsql
    /// resets the pooled connection; <see langword="true"/>: until the transaction ends.
    /// </param>
    /// <returns>The batch command.</returns>
    public static NpgsqlBatchCommand Create(SessionActor actor, bool local = false) => new(Sql)
    {
        Parameters =
        {
            new NpgsqlParameter<string> { TypedValue = actor.DatabaseRole },
            new NpgsqlParameter<string> { TypedValue = actor.ToClaimsJson() },
            new NpgsqlParameter<string> { TypedValue = actor.UserId?.ToString() ?? string.Empty },
            new NpgsqlParameter<bool> { TypedValue = local },
        },
    };

    /// <summary>Refuses, on every new physical connection, a login that would skip row-level security.</summary>
    /// <param name="builder">The baseline's data source builder.</param>
    /// <returns>The same builder.</returns>
    public static NpgsqlDataSourceBuilder CheckLoginOnEveryPhysicalConnection(NpgsqlDataSourceBuilder builder) =>
        builder.UsePhysicalConnectionInitializer(
            connection =>
            {
                using var command = new NpgsqlCommand(LoginCheckSql, connection);
                Refuse(command.ExecuteScalar(), connection);
            },
            async connection =>
            {
                await using var command = new NpgsqlCommand(LoginCheckSql, connection);
                Refuse(await command.ExecuteScalarAsync(), connection);
            });

    /// <summary>Moves past the claims statement's row to the next statement's result.</summary>
    /// <param name="reader">The batch's reader, positioned on the claims statement's result.</param>
    /// <returns>A task that completes when the reader is on the next statement's result.</returns>
    public static async Task CheckAsync(NpgsqlDataReader reader) => await reader.NextResultAsync();

    private static void Refuse(object? safe, NpgsqlConnection connection)
    {
        if (safe is not true)
        {
            throw new InvalidOperationException($"The login role of {connection.Database} skips row-level security.");
        }
    }
}
