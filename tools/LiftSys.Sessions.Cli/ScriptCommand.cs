using System.CommandLine;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LiftSys.Sessions.Cli;

/// <summary><c>script</c>: prints the SQL of the migrations, idempotent by default. Needs no database.</summary>
internal sealed class ScriptCommand : Command
{
    private readonly CliEnvironment environment;

    private readonly Option<string?> from = new("--from")
    {
        Description = "Migration (id or name) the database already has; the script starts after it. Default: an empty database.",
        HelpName = "migration",
    };

    private readonly Option<string?> to = new("--to")
    {
        Description = "Last migration (id or name) to include. Default: the latest.",
        HelpName = "migration",
    };

    private readonly Option<FileInfo?> output = new("--output", "-o")
    {
        Description = "Write the script to this file instead of standard output.",
        HelpName = "file",
    };

    private readonly Option<bool> noIdempotent = new("--no-idempotent")
    {
        Description = "Emit plain statements instead of guarding each migration with a check of the history table.",
    };

    public ScriptCommand(CliEnvironment environment)
        : base("script", "Print the SQL script of the migrations (idempotent by default). Needs no database.")
    {
        this.environment = environment;
        Options.Add(from);
        Options.Add(to);
        Options.Add(output);
        Options.Add(noIdempotent);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var sqlOptions = parseResult.GetValue(noIdempotent)
            ? MigrationsSqlGenerationOptions.Default
            : MigrationsSqlGenerationOptions.Idempotent;

        string script;
        await using (var context = SessionsDbContextFactory.CreateWithoutDatabase())
        {
            // EF resolves --from/--to by id or by name and throws "The migration 'X' was not found." otherwise.
            script = context.GetService<IMigrator>()
                .GenerateScript(parseResult.GetValue(from), parseResult.GetValue(to), sqlOptions);
        }

        if (parseResult.GetValue(output) is { } file)
        {
            await File.WriteAllTextAsync(file.FullName, script, cancellationToken);
            await environment.Output.WriteLineAsync($"Wrote the script to {file.FullName}.");
        }
        else
        {
            await environment.Output.WriteAsync(script);
        }

        return CliApp.Success;
    }
}
