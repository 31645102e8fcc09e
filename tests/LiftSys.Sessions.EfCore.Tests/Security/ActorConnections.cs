using System.Text.Json;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// Opens connections as the application's login role (NOINHERIT, granted only the API roles) and becomes an actor the
/// way Supabase's gateway does — plain SQL, independent of the library's interceptor, so the matrix tests the database.
/// </summary>
internal static class ActorConnections
{
    public static Task<NpgsqlConnection> OpenAsync(TestDatabase database, Actor actor, Guid owner, Guid other) =>
        OpenAsync(database.Server.AppConnectionString(database.Name), actor, owner, other);

    /// <summary>As <see cref="OpenAsync(TestDatabase, Actor, Guid, Guid)"/>, through a connection string of the login role with settings of the caller's.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string appConnectionString, Actor actor, Guid owner, Guid other)
    {
        var connection = new NpgsqlConnection(appConnectionString);
        await connection.OpenAsync();
        var (role, sub) = actor switch
        {
            Actor.Owner => ("authenticated", (Guid?)owner),
            Actor.OtherUser => ("authenticated", other),
            Actor.Anonymous => ("anon", null),
            Actor.ServiceRole => ("service_role", null),
            _ => ((string?)null, (Guid?)null),
        };

        if (role is not null)
        {
            await BecomeAsync(connection, role, ClaimsJson(role, sub));
        }

        return connection;
    }

    public static async Task BecomeAsync(NpgsqlConnection connection, string role, string claimsJson) =>
        await connection.ExecuteAsync(
            "SELECT set_config('role', $1, false), set_config('request.jwt.claims', $2, false)", role, claimsJson);

    public static string ClaimsJson(string role, Guid? sub) =>
        JsonSerializer.Serialize(sub is { } id ? new Dictionary<string, string> { ["sub"] = id.ToString(), ["role"] = role }
            : new Dictionary<string, string> { ["role"] = role });
}
