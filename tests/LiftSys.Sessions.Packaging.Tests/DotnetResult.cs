namespace LiftSys.Sessions.Packaging.Tests;

/// <summary>How one run of the <c>dotnet</c> CLI ended and what it printed.</summary>
/// <param name="CommandLine">The command as run, for messages.</param>
/// <param name="ExitCode">The exit code, or -1 when the run was killed at its timeout.</param>
/// <param name="Output">Everything written to standard output.</param>
/// <param name="Error">Everything written to standard error.</param>
/// <param name="Elapsed">How long it took.</param>
internal sealed record DotnetResult(string CommandLine, int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The whole run, for an assertion message: a failed pack or restore explains itself in the test output.</summary>
    public string Describe() =>
        $"`{CommandLine}` ended with exit code {ExitCode} after {Elapsed.TotalSeconds:F1} s{Environment.NewLine}" +
        $"--- stdout ---{Environment.NewLine}{Output.TrimEnd()}{Environment.NewLine}" +
        $"--- stderr ---{Environment.NewLine}{Error.TrimEnd()}";
}
