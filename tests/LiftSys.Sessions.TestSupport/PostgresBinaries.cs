namespace LiftSys.Sessions.TestSupport;

/// <summary>Finds the PostgreSQL server programs (initdb, pg_ctl, postgres) on this machine.</summary>
internal static class PostgresBinaries
{
    private const string DebianBinDirectory = "/usr/lib/postgresql/15/bin";

    private static readonly string[] ServerPrograms = ["initdb", "pg_ctl", "postgres"];

    public static async Task<string> FindBinDirectoryAsync(CancellationToken cancellationToken)
    {
        // Debian keeps the server programs off PATH (only wrappers live in /usr/bin), hence the fixed path and
        // pg_config before PATH.
        if (HasServerPrograms(DebianBinDirectory))
        {
            return DebianBinDirectory;
        }

        var fromPgConfig = await AskPgConfigAsync(cancellationToken);
        if (fromPgConfig is not null && HasServerPrograms(fromPgConfig))
        {
            return fromPgConfig;
        }

        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(HasServerPrograms);
        return fromPath ?? throw new InvalidOperationException(
            $"The PostgreSQL server programs ({string.Join(", ", ServerPrograms)}) were not found in " +
            $"{DebianBinDirectory}, in `pg_config --bindir` or on PATH. Install postgresql-15: " +
            "apt-get install -y postgresql-15 (or run ./build.sh test as root, which does it), or set " +
            $"{TestEnvironment.ConnectionStringVariable} to a superuser connection string of an existing server.");
    }

    private static bool HasServerPrograms(string directory) =>
        ServerPrograms.All(program => File.Exists(Path.Combine(directory, program)));

    private static async Task<string?> AskPgConfigAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await ProcessRunner.RunAsync(
                "pg_config", ["--bindir"], null, TimeSpan.FromSeconds(30), cancellationToken);
            return result.Succeeded ? result.StandardOutput.Trim() : null;
        }
        catch (InvalidOperationException)
        {
            // pg_config is not installed: fall through to PATH.
            return null;
        }
    }
}
