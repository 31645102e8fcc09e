using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Security;

/// <summary>
/// The connection-string settings that break the claims contract — every command runs on the physical connection the
/// role and claims were set on, and nothing of one actor outlives the connection or transaction it was set for — each
/// with what to use instead. The options validator refuses them at host start; the interceptor refuses the ones that
/// can never be safe on connections it meets at run time.
/// </summary>
internal static partial class ClaimsConnectionSettings
{
    // Connection strings are few per process; parsing one on every connection open would cost more than the lookup.
    private static readonly ConcurrentDictionary<string, bool> MultiplexingByConnectionString = new(StringComparer.Ordinal);

    /// <summary>Lists what in <paramref name="connectionString"/> breaks the claims contract under <paramref name="scope"/>.</summary>
    /// <param name="connectionString">A parsed connection string.</param>
    /// <param name="scope">The claims scope the connections will use.</param>
    /// <param name="setting">The name of the option that holds the connection string, for the messages.</param>
    /// <returns>One message per problem, naming the setting and what to use instead; empty when the string is safe.</returns>
    public static IReadOnlyList<string> FindViolations(NpgsqlConnectionStringBuilder connectionString, ClaimsScope scope, string setting)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var violations = new List<string>();
        if (connectionString.Multiplexing)
        {
            violations.Add(MultiplexingMessage(setting));
        }

        if (scope == ClaimsScope.Connection && connectionString.NoResetOnClose)
        {
            violations.Add(
                $"{setting} sets 'No Reset On Close=true' with ClaimsScope.Connection: the role and claims set when a connection "
                + "opens would then stay on it after it returns to the pool (no DISCARD ALL), for whoever uses it next. Remove "
                + "'No Reset On Close', or use ClaimsScope.Transaction (required behind a transaction-mode pooler anyway).");
        }

        if (scope == ClaimsScope.Connection && IsSupabaseTransactionPooler(connectionString))
        {
            violations.Add(
                $"{setting} points at Supabase's transaction pooler (port 6543 on *.pooler.supabase.com) with "
                + "ClaimsScope.Connection: the pooler hands the server connection to another client after each transaction, "
                + "with this client's role and claims still set. Use ClaimsScope.Transaction, or the session pooler (port 5432).");
        }

        // Supabase documents the transaction pooler as not supporting prepared statements: an automatically prepared
        // statement (named _auto0, _auto1, … per physical connection) may be bound on a server connection where that name
        // is missing or, worse, names another client's statement. Direct and session-mode connections keep them safely.
        if (connectionString.MaxAutoPrepare > 0 && IsSupabaseTransactionPooler(connectionString))
        {
            violations.Add(
                $"{setting} sets 'Max Auto Prepare={connectionString.MaxAutoPrepare}' on Supabase's transaction pooler (port 6543 "
                + "on *.pooler.supabase.com), which does not support prepared statements: a statement prepared on one server "
                + "connection would be executed by name on another, where it is missing or is another client's. Remove "
                + "'Max Auto Prepare', or connect directly or through the session pooler (port 5432), where it is safe.");
        }

        foreach (var name in ServerSettingsIn(connectionString.Options))
        {
            violations.Add(
                $"{setting} sets the server setting '{name}' in 'Options': it becomes the connection's default, which every "
                + "reset (DISCARD ALL, the end of a transaction) returns to, so a connection would act with it before and "
                + "after the library set the actor's role and claims. Remove it from 'Options'; the library sets role and "
                + "claims per connection or transaction (ClaimsScope).");
        }

        return violations;
    }

    /// <summary>Refuses a connection whose pool multiplexes commands of many connections over one physical connection.</summary>
    /// <param name="connection">The connection about to carry the actor's claims.</param>
    /// <exception cref="InvalidOperationException">The connection multiplexes.</exception>
    public static void EnsureNotMultiplexed(NpgsqlConnection connection)
    {
        var connectionString = connection.ConnectionString;
        var multiplexing = MultiplexingByConnectionString.GetOrAdd(connectionString, static s => new NpgsqlConnectionStringBuilder(s).Multiplexing);
        if (multiplexing)
        {
            throw new InvalidOperationException(MultiplexingMessage("The connection string"));
        }
    }

    private static string MultiplexingMessage(string setting) =>
        $"{setting} sets 'Multiplexing=true': Npgsql then sends each command on whichever physical connection is free, so "
        + "the role and claims statement and the operation's commands may run on different server connections, mixing "
        + "users. Remove 'Multiplexing' (Npgsql's ordinary pooling is what the library supports).";

    private static bool IsSupabaseTransactionPooler(NpgsqlConnectionStringBuilder connectionString) =>
        connectionString.Port == 6543
        && (connectionString.Host ?? string.Empty).Split(',').Any(host =>
            host.Trim().Split(':')[0].EndsWith(".pooler.supabase.com", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The server settings in a libpq-style <c>Options</c> value (<c>-c name=value</c>, <c>-cname=value</c> or
    /// <c>--name=value</c>) that decide who a connection acts as: the role, the session authorization, and the
    /// <c>request.jwt.*</c> claims <c>auth.uid()</c> and <c>auth.jwt()</c> read.
    /// </summary>
    private static IEnumerable<string> ServerSettingsIn(string? options)
    {
        if (string.IsNullOrWhiteSpace(options))
        {
            yield break;
        }

        foreach (Match match in ServerSetting().Matches(options))
        {
            // PostgreSQL reads dashes in a setting's name as underscores, and names ignore case.
            var name = match.Groups["name"].Value.Replace('-', '_');
            if (name.Equals("role", StringComparison.OrdinalIgnoreCase)
                || name.Equals("session_authorization", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("request.jwt", StringComparison.OrdinalIgnoreCase))
            {
                yield return name;
            }
        }
    }

    [GeneratedRegex(@"(?:-c\s*|--)(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)\s*=", RegexOptions.CultureInvariant)]
    private static partial Regex ServerSetting();
}
