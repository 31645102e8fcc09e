namespace LiftSys.Sessions.TestSupport;

/// <summary>What an external command printed and how it ended.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public string Describe() =>
        $"exit code {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{StandardOutput.TrimEnd()}" +
        $"{Environment.NewLine}stderr:{Environment.NewLine}{StandardError.TrimEnd()}";
}
