using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>One-line parameterized statements on an open connection, for test setup and assertions.</summary>
/// <remarks>
/// An array passed as the only value binds as one PostgreSQL array parameter (<c>= ANY ($1)</c>), also a
/// <c>string[]</c>, which C# would otherwise spread into separate parameters through array covariance.
/// </remarks>
public static class NpgsqlConnectionTestExtensions
{
    /// <summary>Runs a statement with positional parameters (<c>$1</c>, <c>$2</c>, …).</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="sql">The statement; values go in <paramref name="parameters"/>, never into the text.</param>
    /// <param name="parameters">The values of <c>$1</c>, <c>$2</c>, … in order.</param>
    /// <returns>The number of rows affected, or -1 for statements that do not report one.</returns>
    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, params object?[] parameters)
    {
        await using var command = CreateCommand(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query with positional parameters and returns the first column of the first row.</summary>
    /// <typeparam name="T">The CLR type Npgsql reads that column as (e.g. <see cref="long"/> for <c>count(*)</c>).</typeparam>
    /// <param name="connection">An open connection.</param>
    /// <param name="sql">The query; values go in <paramref name="parameters"/>, never into the text.</param>
    /// <param name="parameters">The values of <c>$1</c>, <c>$2</c>, … in order.</param>
    /// <returns>The value, or <see langword="default"/> when the query returned no row or SQL NULL.</returns>
    public static async Task<T?> ScalarAsync<T>(this NpgsqlConnection connection, string sql, params object?[] parameters)
    {
        await using var command = CreateCommand(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    private static NpgsqlCommand CreateCommand(NpgsqlConnection connection, string sql, object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(sql);
        ArgumentNullException.ThrowIfNull(parameters);

        // For `params object?[]` the compiler builds an object?[]; any other array type means C# passed the caller's
        // own array (say a string[]) as the params array through covariance. It was meant as one value.
        if (parameters.GetType() != typeof(object[]))
        {
            parameters = [parameters];
        }

        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return command;
    }
}
