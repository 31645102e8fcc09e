namespace LiftSys.Sessions.Cli.Tests;

/// <summary>Runs the tool in-process, capturing what it writes, with a fake set of environment variables.</summary>
internal static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string>(), args);

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environmentVariables, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error, name => environmentVariables.GetValueOrDefault(name));

        var exitCode = await CliApp.RunAsync(args, environment);

        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
