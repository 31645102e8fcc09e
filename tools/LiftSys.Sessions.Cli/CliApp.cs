using System.CommandLine;

namespace LiftSys.Sessions.Cli;

/// <summary>The <c>liftsys-sessions</c> command line: builds the commands, runs one, maps the outcome to an exit code.</summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    /// <summary>Runs the tool with the process's environment variables.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, new CliEnvironment(stdout, stderr, Environment.GetEnvironmentVariable));

    /// <summary>Runs the tool against <paramref name="environment"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        var verbose = new Option<bool>("--verbose", "-v")
        {
            Description = "On failure, print the full exception, not just its message.",
            Recursive = true,
        };
        var root = new RootCommand("Manage the PostgreSQL schema of LiftSys.Sessions: its EF Core migrations.")
        {
            HelpName = "liftsys-sessions",
        };
        root.Options.Add(verbose);
        root.Subcommands.Add(new ScriptCommand(environment));
        root.Subcommands.Add(new MigrateCommand(environment));
        root.Subcommands.Add(new ListCommand(environment));
        root.Subcommands.Add(new ExportSupabaseCommand(environment));

        var parseResult = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = environment.Output,
            Error = environment.Error,
            // Failures are reported below: one line, secrets masked, the stack trace only with --verbose.
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            var exitCode = await parseResult.InvokeAsync(invocation, cancellationToken);

            // System.CommandLine reports parse errors (and prints help) but exits with 1, the code meant for failures.
            return parseResult.Errors.Count > 0 ? Usage : exitCode;
        }
        catch (Exception exception)
        {
            // The tool's contract: whatever fails becomes exit code 1 and one line on stderr.
            environment.ReportFailure(exception, parseResult.GetValue(verbose));
            return Failure;
        }
    }
}
