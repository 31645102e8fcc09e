using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace LiftSys.Sessions.Cli;

/// <summary><c>list</c>: shows every migration with whether the database has applied it.</summary>
internal sealed class ListCommand : Command
{
    private readonly CliEnvironment environment;
    private readonly Option<string?> connection;

    public ListCommand(CliEnvironment environment)
        : base("list", "List the migrations, each marked applied or pending on a database.")
    {
        this.environment = environment;
        connection = ConnectionOption.AddTo(this, environment);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var connectionString = environment.GetConnectionString(parseResult.GetValue(connection));
        List<string> known;
        HashSet<string> applied;
        await using (var context = SessionsDbContextFactory.Create(connectionString))
        {
            known = [.. context.Database.GetMigrations()];

            // EF reports no applied migrations for a database that does not exist, so a mistyped database name would
            // otherwise look like a fresh database.
            if (!await context.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
            {
                await environment.Output.WriteLineAsync("The database does not exist (yet); every migration is pending.");
            }

            applied = [.. await context.Database.GetAppliedMigrationsAsync(cancellationToken)];
        }

        // A database migrated by a newer version of the library has migrations this tool does not know.
        var unknown = applied.Except(known, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var rows = known.Select(id => (Id: id, State: applied.Contains(id) ? "applied" : "pending"))
            .Concat(unknown.Select(id => (Id: id, State: "applied (not known to this version)")))
            .ToList();
        if (rows.Count == 0)
        {
            await environment.Output.WriteLineAsync("No migrations.");
            return CliApp.Success;
        }

        var width = rows.Max(row => row.Id.Length);
        foreach (var (id, state) in rows)
        {
            await environment.Output.WriteLineAsync($"{id.PadRight(width)}  {state}");
        }

        var pending = known.Count(id => !applied.Contains(id));
        await environment.Output.WriteLineAsync($"{applied.Count} applied, {pending} pending.");
        return CliApp.Success;
    }
}
