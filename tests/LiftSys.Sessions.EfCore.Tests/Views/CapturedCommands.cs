using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Views;

/// <summary>Records the SQL and parameter values of every query EF runs, so a test can EXPLAIN exactly that query.</summary>
internal sealed class CapturedCommands : DbCommandInterceptor
{
    private readonly List<(string Sql, NpgsqlParameter[] Parameters)> commands = [];

    public (string Sql, NpgsqlParameter[] Parameters) Single
    {
        get
        {
            lock (commands)
            {
                return commands.Count == 1
                    ? commands[0]
                    : throw new InvalidOperationException($"Expected one command, captured {commands.Count}.");
            }
        }
    }

    public void Clear()
    {
        lock (commands)
        {
            commands.Clear();
        }
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        lock (commands)
        {
            commands.Add((command.CommandText, command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone()).ToArray()));
        }

        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
