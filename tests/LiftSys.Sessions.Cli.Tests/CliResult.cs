namespace LiftSys.Sessions.Cli.Tests;

/// <summary>The exit code and the captured standard output and error of one run of the tool.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>The non-empty lines written to standard error.</summary>
    public IReadOnlyList<string> ErrorLines =>
        Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
