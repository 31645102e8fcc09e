using System.Text;
using System.Text.Json;

namespace LiftSys.Sessions.Cli;

/// <summary>
/// Names a migration the way the Supabase CLI expects its files: <c>&lt;timestamp&gt;_&lt;name&gt;.sql</c>, where the
/// timestamp is the version Supabase records and orders by.
/// </summary>
internal static class SupabaseMigrationFileName
{
    /// <summary>The length of the <c>yyyyMMddHHmmss</c> prefix of an EF Core migration id.</summary>
    public const int TimestampLength = 14;

    /// <summary>
    /// Returns the file name for <paramref name="migrationId"/>:
    /// <c>20251019120005_CreateRlsPolicies</c> → <c>20251019120005_create_rls_policies.sql</c>.
    /// </summary>
    /// <param name="migrationId">An EF Core migration id, <c>yyyyMMddHHmmss_Name</c>.</param>
    /// <returns>The file name, matching <c>^\d{14}_[a-z0-9_]+\.sql$</c>.</returns>
    /// <exception cref="ArgumentException">The id does not start with 14 digits and an underscore, or has no name.</exception>
    public static string For(string migrationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(migrationId);

        // The Supabase CLI records the digits before the first underscore as the version and applies files in that
        // order; EF orders by the whole id. Both agree only when every id starts with the same fixed-width timestamp.
        if (migrationId.Length <= TimestampLength + 1
            || !migrationId[..TimestampLength].All(char.IsAsciiDigit)
            || migrationId[TimestampLength] != '_')
        {
            throw new ArgumentException(
                $"Migration id '{migrationId}' does not have the form yyyyMMddHHmmss_Name, so it has no Supabase timestamp.",
                nameof(migrationId));
        }

        var name = SnakeCase(migrationId[(TimestampLength + 1)..]);
        if (name.Length == 0)
        {
            throw new ArgumentException($"Migration id '{migrationId}' has no name after its timestamp.", nameof(migrationId));
        }

        return $"{migrationId[..TimestampLength]}_{name}.sql";
    }

    /// <summary>Lower snake case with only <c>[a-z0-9_]</c>: anything else becomes one underscore.</summary>
    private static string SnakeCase(string name)
    {
        // The same conversion the library uses for its enum text (CreateRLSPolicies → create_rls_policies).
        var converted = JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
        var builder = new StringBuilder(converted.Length);
        foreach (var character in converted)
        {
            var keep = char.IsAsciiLetterLower(character) || char.IsAsciiDigit(character);
            if (keep)
            {
                builder.Append(character);
            }
            else if (builder.Length > 0 && builder[^1] != '_')
            {
                builder.Append('_');
            }
        }

        return builder.ToString().TrimEnd('_');
    }
}
