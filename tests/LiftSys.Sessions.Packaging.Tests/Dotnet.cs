using System.Diagnostics;
using System.Text;

namespace LiftSys.Sessions.Packaging.Tests;

/// <summary>Runs the <c>dotnet</c> CLI (or a tool it installed) as a child process, the way a user's shell would.</summary>
internal static class Dotnet
{
    // A build may leave a compiler server or MSBuild node behind that inherited our pipes; once the process itself has
    // exited, its output is read for at most this long.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The <c>dotnet</c> executable running this test (the one <c>dotnet test</c> names), else the one on PATH.</summary>
    public static string Executable { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workingDirectory"/>.</summary>
    public static Task<DotnetResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProgramAsync(Executable, workingDirectory, timeout, arguments);

    /// <summary>Runs <paramref name="program"/> (e.g. an installed tool's shim) with the same environment as the CLI.</summary>
    public static async Task<DotnetResult> RunProgramAsync(
        string program,
        string workingDirectory,
        TimeSpan timeout,
        params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        ConfigureEnvironment(startInfo.Environment);
        var commandLine = $"{Path.GetFileName(program)} {string.Join(' ', arguments)}";

        var output = new StringBuilder();
        var error = new StringBuilder();
        var outputClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Collect(output, outputClosed, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(error, errorClosed, e.Data);
        process.Exited += (_, _) => exited.TrySetResult();

        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Not WaitForExitAsync: it also waits for the pipes to close, which a lingering build server may never do.
        var finished = await Task.WhenAny(exited.Task, Task.Delay(timeout)) == exited.Task;
        if (!finished)
        {
            process.Kill(entireProcessTree: true);
        }

        var drained = Task.WhenAll(outputClosed.Task, errorClosed.Task);
        var complete = await Task.WhenAny(drained, Task.Delay(DrainTimeout)) == drained;
        stopwatch.Stop();

        string Text(StringBuilder builder)
        {
            lock (builder)
            {
                return builder.ToString();
            }
        }

        var errorText = Text(error);
        if (!finished)
        {
            errorText += $"{Environment.NewLine}[killed: no exit within {timeout}]";
        }
        else if (!complete)
        {
            errorText += $"{Environment.NewLine}[output still open {DrainTimeout.TotalSeconds:F0} s after the exit, held by a child process; it may be incomplete]";
        }

        return new DotnetResult(commandLine, finished ? process.ExitCode : -1, Text(output), errorText, stopwatch.Elapsed);
    }

    private static void Collect(StringBuilder builder, TaskCompletionSource closed, string? line)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }

    private static void ConfigureEnvironment(IDictionary<string, string?> environment)
    {
        // `dotnet test` hands its own MSBuild settings (SDK paths, MSBUILD_EXE_PATH, …) down to the test host; a child
        // build must find its SDK by itself, as it would in a user's shell.
        foreach (var name in environment.Keys.Where(name => name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            environment.Remove(name);
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        // No MSBuild worker node may outlive its build and hold on to our pipes (or to files in the temp directory).
        environment["MSBUILDDISABLENODEREUSE"] = "1";

        // A tool's shim looks for the runtime in DOTNET_ROOT before the default install locations.
        if (string.IsNullOrEmpty(environment.TryGetValue("DOTNET_ROOT", out var root) ? root : null)
            && Path.IsPathRooted(Executable))
        {
            environment["DOTNET_ROOT"] = Path.GetDirectoryName(Executable);
        }
    }
}
