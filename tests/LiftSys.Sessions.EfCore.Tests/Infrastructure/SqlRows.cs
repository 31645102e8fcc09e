using Npgsql;
using NpgsqlTypes;

namespace LiftSys.Sessions.EfCore.Tests.Infrastructure;

/// <summary>A JSON text to bind as a <c>jsonb</c> parameter.</summary>
internal sealed record JsonText(string Value);

/// <summary>
/// Inserts rows with plain parameterized SQL, bypassing the domain's guards, so tests can show what the database
/// itself accepts and rejects (as it must for rows written by psql or Supabase's REST API).
/// </summary>
internal static class SqlRows
{
    public static async Task<Guid> InsertSessionAsync(NpgsqlConnection connection, Guid? userId = null, IReadOnlyDictionary<string, object?>? values = null)
        => await InsertAsync(connection, "sessions", Merge(new() { ["user_id"] = userId ?? Guid.NewGuid(), ["original_input"] = "a prompt" }, values));

    public static async Task<Guid> InsertRevisionAsync(NpgsqlConnection connection, Guid sessionId, int number, IReadOnlyDictionary<string, object?>? values = null)
        => await InsertAsync(connection, "session_revisions", Merge(
            new() { ["session_id"] = sessionId, ["revision_number"] = number, ["source"] = "initial", ["ir_content"] = new JsonText("{}") },
            values));

    public static async Task<Guid> InsertDraftAsync(NpgsqlConnection connection, Guid sessionId, int number, IReadOnlyDictionary<string, object?>? values = null)
        => await InsertAsync(connection, "session_drafts", Merge(
            new() { ["session_id"] = sessionId, ["draft_number"] = number, ["source"] = "initial_generation", ["code_content"] = "x = 1" },
            values));

    public static async Task<Guid> InsertResolutionAsync(NpgsqlConnection connection, Guid sessionId, string holeId, IReadOnlyDictionary<string, object?>? values = null)
        => await InsertAsync(connection, "hole_resolutions", Merge(
            new()
            {
                ["session_id"] = sessionId,
                ["hole_id"] = holeId,
                ["hole_type"] = "type",
                ["resolution_method"] = "default",
                ["resolved_value"] = new JsonText("\"int\""),
            },
            values));

    /// <summary>Inserts one row; <paramref name="table"/> and the column names come from the tests, never from data.</summary>
    public static async Task<Guid> InsertAsync(NpgsqlConnection connection, string table, IReadOnlyDictionary<string, object?> values)
    {
        await using var command = connection.CreateCommand();
        var columns = values.Keys.ToArray();
        command.CommandText =
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))}) RETURNING id";
        for (var i = 0; i < columns.Length; i++)
        {
            command.Parameters.Add(values[columns[i]] switch
            {
                JsonText json => new NpgsqlParameter($"p{i}", NpgsqlDbType.Jsonb) { Value = json.Value },
                null => new NpgsqlParameter($"p{i}", DBNull.Value),
                var other => new NpgsqlParameter($"p{i}", other),
            });
        }

        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    private static Dictionary<string, object?> Merge(Dictionary<string, object?> defaults, IReadOnlyDictionary<string, object?>? overrides)
    {
        foreach (var (key, value) in overrides ?? new Dictionary<string, object?>())
        {
            defaults[key] = value;
        }

        return defaults;
    }
}
