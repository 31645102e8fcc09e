using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>Positional parameters (<c>$1</c>, <c>$2</c>, …) as a careful hand-written Npgsql caller binds them: typed, no boxing where avoidable.</summary>
internal static class RawParameters
{
    public static NpgsqlParameter<T> Of<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter Json(JsonElement? value) => new() { Value = value is { } v ? v : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb };

    public static NpgsqlParameter Text(string? value) => new() { Value = value is null ? DBNull.Value : value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter Nullable<T>(T? value, NpgsqlDbType type)
        where T : struct => new() { Value = value is { } v ? v : DBNull.Value, NpgsqlDbType = type };

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }
}
