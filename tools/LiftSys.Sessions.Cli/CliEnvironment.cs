namespace LiftSys.Sessions.Cli;

/// <summary>
/// What one run of the tool reads from and writes to: standard output and error, and environment variables.
/// It also remembers the secrets seen during the run so that no error it prints can reveal them.
/// </summary>
internal sealed class CliEnvironment(TextWriter output, TextWriter error, Func<string, string?> getEnvironmentVariable)
{
    /// <summary>The environment variable read when <c>--connection</c> is not given.</summary>
    public const string ConnectionVariable = "LIFTSYS_SESSIONS_CONNECTION";

    private readonly List<string> secrets = [];

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Returns the connection string from <c>--connection</c>, else from <see cref="ConnectionVariable"/>.</summary>
    public string? FindConnectionString(string? fromOption) =>
        string.IsNullOrWhiteSpace(fromOption) ? NullIfBlank(getEnvironmentVariable(ConnectionVariable)) : fromOption;

    /// <summary>Like <see cref="FindConnectionString"/>, but the password it holds is masked in every later error.</summary>
    public string GetConnectionString(string? fromOption)
    {
        // The command validator has already turned a missing connection string into a usage error.
        var connectionString = FindConnectionString(fromOption)
            ?? throw new InvalidOperationException($"No connection string: pass --connection or set {ConnectionVariable}.");
        if (ConnectionStringRedaction.TryGetPassword(connectionString) is { } password)
        {
            secrets.Add(password);
        }

        return connectionString;
    }

    /// <summary>
    /// Writes <paramref name="exception"/> to <see cref="Error"/> as a single line, followed by the full exception when
    /// <paramref name="verbose"/> is set, with every known secret masked.
    /// </summary>
    public void ReportFailure(Exception exception, bool verbose)
    {
        Error.WriteLine(Scrub($"error: {Describe(exception)}"));
        if (verbose)
        {
            Error.WriteLine(Scrub(exception.ToString()));
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The exception's message, plus its root cause's when that adds something (e.g. "Connection refused").</summary>
    private static string Describe(Exception exception)
    {
        var message = OneLine(exception.Message);
        var root = exception.GetBaseException();
        var cause = OneLine(root.Message);
        return ReferenceEquals(root, exception) || message.Contains(cause, StringComparison.Ordinal)
            ? message
            : $"{message} ({cause})";
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private string Scrub(string text) =>
        secrets.Aggregate(text, (scrubbed, secret) => ConnectionStringRedaction.Scrub(scrubbed, secret));
}
