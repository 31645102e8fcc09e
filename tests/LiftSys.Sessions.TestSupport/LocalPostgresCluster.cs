using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster for one test process: initdb into a fresh temporary directory, trust
/// authentication, a free port on 127.0.0.1 and its unix socket inside that directory, durability switched off.
/// </summary>
internal sealed class LocalPostgresCluster : IThrowawayServer
{
    private const string DirectoryPrefix = "liftsys-pg-";
    private const string SuperuserName = "postgres";

    // initdb and postgres refuse to run as root; CI runs as root, so the cluster then belongs to this OS account.
    private const string ServiceAccount = "postgres";

    private const int StartAttempts = 3;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private static readonly UnixFileMode TraversableDirectory =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly string binDirectory;
    private readonly bool runAsServiceAccount;
    private int stopped;

    private LocalPostgresCluster(string binDirectory, string rootDirectory, bool runAsServiceAccount)
    {
        this.binDirectory = binDirectory;
        this.runAsServiceAccount = runAsServiceAccount;
        RootDirectory = rootDirectory;
    }

    public string RootDirectory { get; }

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    public int Port { get; private set; }

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"on {IPAddress.Loopback}:{Port} ({DataDirectory})");

    private string SocketDirectory => Path.Combine(RootDirectory, "socket");

    private string LogFile => Path.Combine(RootDirectory, "postgres.log");

    public static async Task<LocalPostgresCluster> StartAsync(CancellationToken cancellationToken)
    {
        var binDirectory = await PostgresBinaries.FindBinDirectoryAsync(cancellationToken);
        var runAsServiceAccount = await IsRootAsync(cancellationToken);
        if (runAsServiceAccount)
        {
            await EnsureServiceAccountExistsAsync(cancellationToken);
        }

        var temporaryRoot = runAsServiceAccount ? "/tmp" : Path.GetTempPath();
        await RemoveAbandonedClustersAsync(temporaryRoot, binDirectory, runAsServiceAccount);

        // The process id in the name lets a later run tell an abandoned cluster from a live one. The name stays short
        // because the unix socket path inside it is limited to about 100 bytes (macOS temp paths are long).
        var rootDirectory = Path.Combine(
            temporaryRoot,
            string.Create(CultureInfo.InvariantCulture, $"{DirectoryPrefix}{Environment.ProcessId}-{Random.Shared.Next():x8}"));
        var cluster = new LocalPostgresCluster(binDirectory, rootDirectory, runAsServiceAccount);
        try
        {
            await cluster.InitializeAsync(cancellationToken);
            await cluster.StartServerAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.StopAsync();
            throw;
        }
    }

    public NpgsqlConnectionStringBuilder CreateSuperuserConnectionString() => new()
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = SuperuserName,
        Database = "postgres",
        IncludeErrorDetail = true,
    };

    /// <summary>Stops the server and deletes its directory; safe to call more than once.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            var fast = await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"]);
            if (!fast.Succeeded)
            {
                await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"]);
            }
        }

        TryDeleteDirectory(RootDirectory);
    }

    /// <summary>
    /// Stops the server as an operator would (<c>pg_ctl stop -m fast</c>: sessions are told 57P01 and disconnected) and
    /// keeps its data, so <see cref="StartAgainAsync"/> brings it back on the same port. For outage tests.
    /// </summary>
    public async Task StopServerAsync()
    {
        var stop = await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"]);
        if (!stop.Succeeded)
        {
            throw new InvalidOperationException($"pg_ctl could not stop the cluster in {DataDirectory}: {stop.Describe()}");
        }
    }

    /// <summary>Starts a server stopped by <see cref="StopServerAsync"/> again, on the same port.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var start = await RunToolAsync(
            "pg_ctl",
            ["start", "-w", "-t", "60", "-D", DataDirectory, "-l", LogFile, "-o", string.Create(CultureInfo.InvariantCulture, $"-p {Port}")],
            cancellationToken);
        if (!start.Succeeded)
        {
            throw new InvalidOperationException(
                $"pg_ctl could not start the cluster in {DataDirectory} again: {start.Describe()}{Environment.NewLine}server log:{Environment.NewLine}{ReadLogTail()}");
        }
    }

    private static async Task<bool> IsRootAsync(CancellationToken cancellationToken)
    {
        if (Environment.UserName == "root")
        {
            return true;
        }

        var result = await ProcessRunner.RunAsync("id", ["-u"], null, CommandTimeout, cancellationToken);
        return result.Succeeded && result.StandardOutput.Trim() == "0";
    }

    private static async Task EnsureServiceAccountExistsAsync(CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("id", ["-u", ServiceAccount], null, CommandTimeout, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"The tests run as root, so the throwaway PostgreSQL cluster runs as the '{ServiceAccount}' OS user " +
                "(initdb and postgres refuse root), but that user does not exist. Install postgresql-15, which " +
                "creates it: apt-get install -y postgresql-15.");
        }
    }

    /// <summary>
    /// Stops and deletes clusters left behind by test processes that were killed before they could clean up
    /// (a hard kill skips <see cref="AppDomain.ProcessExit"/>).
    /// </summary>
    private static async Task RemoveAbandonedClustersAsync(string temporaryRoot, string binDirectory, bool runAsServiceAccount)
    {
        foreach (var directory in Directory.EnumerateDirectories(temporaryRoot, DirectoryPrefix + "*"))
        {
            var name = Path.GetFileName(directory);
            var processIdText = name[DirectoryPrefix.Length..].Split('-')[0];
            if (!int.TryParse(processIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
                || IsRunning(processId))
            {
                continue;
            }

            var abandoned = new LocalPostgresCluster(binDirectory, directory, runAsServiceAccount);
            try
            {
                await abandoned.StopAsync();
            }
            catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
            {
                // Best effort: somebody else's leftovers must not fail this run.
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover directory in /tmp is harmless; failing the run over it is not.
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(RootDirectory);
        Directory.CreateDirectory(SocketDirectory);

        // The service account must be able to reach its data directory from /tmp whatever the umask was.
        // (TestEnvironment never starts a local cluster on Windows; the check is for the platform analyzer.)
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(RootDirectory, TraversableDirectory);
        }

        if (runAsServiceAccount)
        {
            await ProcessRunner.RunCheckedAsync(
                "chown", ["-R", $"{ServiceAccount}:", RootDirectory], null, CommandTimeout, cancellationToken);
        }

        var initdb = await RunToolAsync(
            "initdb",
            [
                "-D", DataDirectory,
                "-U", SuperuserName,
                "--auth-local=trust",
                "--auth-host=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ],
            cancellationToken);
        if (!initdb.Succeeded)
        {
            throw new InvalidOperationException($"initdb failed for a throwaway cluster in {DataDirectory}: {initdb.Describe()}");
        }

        // Appending keeps the file's owner (the service account); the last setting in the file wins.
        // Durability is pointless for a cluster deleted at the end of the run, and costs most of its time.
        await File.AppendAllLinesAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            [
                string.Empty,
                "# LiftSys.Sessions.TestSupport: throwaway test cluster",
                $"listen_addresses = '{IPAddress.Loopback}'",
                $"unix_socket_directories = '{SocketDirectory}'",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "max_connections = 200",
            ],
            cancellationToken);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        // Another process may grab the port between probing and binding it; a fresh port on retry fixes that.
        for (var attempt = 1; ; attempt++)
        {
            Port = FindFreePort();
            var start = await RunToolAsync(
                "pg_ctl",
                [
                    "start", "-w", "-t", "60",
                    "-D", DataDirectory,
                    "-l", LogFile,
                    "-o", string.Create(CultureInfo.InvariantCulture, $"-p {Port}"),
                ],
                cancellationToken);
            if (start.Succeeded)
            {
                return;
            }

            if (attempt == StartAttempts)
            {
                throw new InvalidOperationException(
                    $"pg_ctl could not start the throwaway cluster in {DataDirectory}: {start.Describe()}" +
                    $"{Environment.NewLine}server log:{Environment.NewLine}{ReadLogTail()}");
            }
        }
    }

    private string ReadLogTail()
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(30));
        }
        catch (IOException exception)
        {
            return $"(could not read {LogFile}: {exception.Message})";
        }
    }

    private Task<ProcessResult> RunToolAsync(
        string program,
        IReadOnlyList<string> arguments,
        CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(binDirectory, program);
        return runAsServiceAccount
            ? ProcessRunner.RunAsync("runuser", ["-u", ServiceAccount, "--", path, .. arguments], RootDirectory, CommandTimeout, cancellationToken)
            : ProcessRunner.RunAsync(path, arguments, RootDirectory, CommandTimeout, cancellationToken);
    }
}
