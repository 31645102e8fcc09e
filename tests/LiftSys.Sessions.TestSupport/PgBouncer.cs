using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// A real PgBouncer in transaction pooling mode in front of one database of the run's server, started by the test
/// and stopped on dispose: many client connections share <see cref="ServerPoolSize"/> server connections, one
/// transaction at a time, the way Supabase's Supavisor (port 6543) and most PgBouncer deployments run.
/// </summary>
/// <remarks>
/// It listens on 127.0.0.1 only, on a free port, with trust authentication for its clients; towards PostgreSQL it logs
/// in with the passwords the harness gave <see cref="PostgresServer.AppRole"/> and <see cref="PostgresServer.OwnerRole"/>
/// (none on the throwaway cluster, which trusts 127.0.0.1), so it also works in front of a server named by
/// <see cref="TestEnvironment.ConnectionStringVariable"/>. Its configuration, log, pid file and unix socket live in a
/// temporary directory of its own, deleted on dispose.
/// </remarks>
public sealed partial class PgBouncer : IAsyncDisposable
{
    /// <summary>How many server connections PgBouncer keeps per database and user: deliberately few, so clients share them.</summary>
    public const int ServerPoolSize = 2;

    private const string DebianBinary = "/usr/sbin/pgbouncer";
    private const string DirectoryPrefix = "liftsys-pgb-";
    private const string PidFileName = "pgbouncer.pid";
    private const int StartAttempts = 3;
    private const int OutputLinesKept = 40;

    // PgBouncer refuses to run as root; CI runs as root, so it then runs as the same OS account as the throwaway cluster.
    private const string ServiceAccount = "postgres";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process process;
    private readonly ConcurrentQueue<string> output;
    private readonly IReadOnlySet<string> users;
    private readonly ConcurrentDictionary<string, byte> issuedConnectionStrings = new(StringComparer.Ordinal);
    private int disposed;

    private PgBouncer(string rootDirectory, string database, int port, Process process, ConcurrentQueue<string> output, IReadOnlySet<string> users)
    {
        RootDirectory = rootDirectory;
        Database = database;
        Port = port;
        this.process = process;
        this.output = output;
        this.users = users;

        // An interrupted run (Ctrl+C, SIGTERM) still stops it; a hard kill is cleaned up by the next start.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Gets the database PgBouncer serves (the same name on PgBouncer as on the server).</summary>
    public string Database { get; }

    /// <summary>Gets the TCP port PgBouncer listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Gets the temporary directory holding PgBouncer's configuration, log, pid file and unix socket.</summary>
    public string RootDirectory { get; }

    /// <summary>
    /// Starts PgBouncer in front of <paramref name="database"/> on <paramref name="server"/> and waits until a client
    /// can run a query through it.
    /// </summary>
    /// <param name="server">The run's server (see <see cref="TestEnvironment.GetServerAsync"/>).</param>
    /// <param name="database">The database to serve, e.g. a <see cref="TestDatabase.Name"/>: letters, digits and underscores.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running PgBouncer; dispose it to stop it.</returns>
    /// <exception cref="InvalidOperationException">
    /// PgBouncer is not installed, could not start, or cannot reach the server (the message says which and why).
    /// </exception>
    public static async Task<PgBouncer> StartAsync(PostgresServer server, string database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(database);
        if (!PlainName().IsMatch(database))
        {
            // The name goes into pgbouncer.ini unquoted; test databases never need more than this.
            throw new ArgumentException(
                $"PgBouncer's configuration takes database names of letters, digits and underscores only, not '{database}'.",
                nameof(database));
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("PgBouncer is started for tests on Linux and macOS only.");
        }

        var binary = FindBinary();
        var runAsServiceAccount = await IsRootAsync(cancellationToken);
        if (runAsServiceAccount)
        {
            await EnsureServiceAccountExistsAsync(cancellationToken);
        }

        var temporaryRoot = runAsServiceAccount ? "/tmp" : Path.GetTempPath();
        RemoveAbandoned(temporaryRoot);

        // Short, and with the process id first, like the cluster's: the unix socket path inside must stay under about
        // 100 bytes, and a later run tells an abandoned directory by its dead owner.
        var rootDirectory = Path.Combine(
            temporaryRoot,
            string.Create(CultureInfo.InvariantCulture, $"{DirectoryPrefix}{Environment.ProcessId}-{Random.Shared.Next():x8}"));
        var credentials = ServerCredentials(server, database);
        try
        {
            await PrepareDirectoryAsync(rootDirectory, credentials, runAsServiceAccount, cancellationToken);
            var bouncer = await LaunchAsync(binary, server, database, rootDirectory, credentials, runAsServiceAccount, cancellationToken);
            try
            {
                await bouncer.VerifyReachesServerAsync(server, cancellationToken);
                return bouncer;
            }
            catch
            {
                await bouncer.DisposeAsync();
                throw;
            }
        }
        catch
        {
            TryDeleteDirectory(rootDirectory);
            throw;
        }
    }

    /// <summary>
    /// Builds the connection string a client uses to reach <see cref="Database"/> through PgBouncer as
    /// <paramref name="username"/>.
    /// </summary>
    /// <param name="username"><see cref="PostgresServer.AppRole"/> or <see cref="PostgresServer.OwnerRole"/>.</param>
    /// <returns>An Npgsql connection string with the settings a transaction-mode pooler needs.</returns>
    public string ConnectionString(string username)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) == 1, this);
        ArgumentException.ThrowIfNullOrEmpty(username);
        if (!users.Contains(username))
        {
            throw new ArgumentException(
                $"PgBouncer knows only {string.Join(" and ", users)} (its auth_file holds their server passwords), not '{username}'.",
                nameof(username));
        }

        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = Port,
            Database = Database,
            Username = username,
            IncludeErrorDetail = true,

            // Npgsql resets a connection returned to its pool with DISCARD ALL, sent before the next statement. Behind a
            // transaction-mode pooler the client's connection is no particular server connection: the reset runs on
            // whichever one PgBouncer lends for it, so it cannot clear what an earlier transaction left on the others and
            // only costs a statement. Nothing session-level may be relied on there; what must not leak is set
            // transaction-locally instead (ClaimsScope.Transaction).
            NoResetOnClose = true,

            // Automatic preparation creates server-side prepared statements on one server connection and executes them
            // later on another, where they do not exist ("prepared statement "_p1" does not exist"). PgBouncer 1.18 does
            // not track prepared statements (1.21+ can, with max_prepared_statements). 0 is Npgsql's default; it is
            // spelled out so nobody turns it on for this connection string.
            MaxAutoPrepare = 0,
        }.ConnectionString;
        issuedConnectionStrings.TryAdd(connectionString, 0);
        return connectionString;
    }

    /// <summary>Stops PgBouncer and deletes its directory. Safe to call more than once.</summary>
    /// <returns>A task that completes when PgBouncer has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;

        // Idle pooled client connections would point at a port nobody listens on any more.
        foreach (var connectionString in issuedConnectionStrings.Keys)
        {
            using var pooled = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(pooled);
        }

        await StopAsync(process, ReadPidFile(RootDirectory));
        TryDeleteDirectory(RootDirectory);
    }

    private static string FindBinary()
    {
        if (File.Exists(DebianBinary))
        {
            return DebianBinary;
        }

        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "pgbouncer"))
            .FirstOrDefault(File.Exists);
        return fromPath ?? throw new InvalidOperationException(
            $"PgBouncer was not found ({DebianBinary}, or pgbouncer on PATH); the tests run it in transaction mode in front " +
            "of the test server. Install it: apt-get install -y pgbouncer (./build.sh test does it when run as root).");
    }

    private static Dictionary<string, string> ServerCredentials(PostgresServer server, string database)
    {
        // The harness's own roles with the passwords it gave them (none on the throwaway cluster). PgBouncer needs them
        // in its auth_file to log in to the server on a client's behalf; the superuser's password is never written out.
        string PasswordOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Password ?? string.Empty;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PostgresServer.AppRole] = PasswordOf(server.AppConnectionString(database)),
            [PostgresServer.OwnerRole] = PasswordOf(server.OwnerConnectionString(database)),
        };
    }

    private static async Task PrepareDirectoryAsync(
        string rootDirectory,
        IReadOnlyDictionary<string, string> credentials,
        bool runAsServiceAccount,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(rootDirectory);
        var authFile = Path.Combine(rootDirectory, "userlist.txt");
        await File.WriteAllLinesAsync(
            authFile,
            credentials.Select(pair => $"{QuoteAuthFileValue(pair.Key)} {QuoteAuthFileValue(pair.Value)}"),
            cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(rootDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(authFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (runAsServiceAccount)
        {
            await ProcessRunner.RunCheckedAsync(
                "chown", ["-R", $"{ServiceAccount}:", rootDirectory], null, CommandTimeout, cancellationToken);
        }
    }

    private static async Task<PgBouncer> LaunchAsync(
        string binary,
        PostgresServer server,
        string database,
        string rootDirectory,
        IReadOnlyDictionary<string, string> credentials,
        bool runAsServiceAccount,
        CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(server.SuperuserConnectionString);
        var users = credentials.Keys.ToHashSet(StringComparer.Ordinal);

        // Another process may take the port between probing and binding it; a fresh port on retry fixes that.
        for (var attempt = 1; ; attempt++)
        {
            var port = FindFreePort();
            var configFile = Path.Combine(rootDirectory, "pgbouncer.ini");
            await File.WriteAllTextAsync(configFile, Configuration(target, database, rootDirectory, port), cancellationToken);
            if (runAsServiceAccount)
            {
                await ProcessRunner.RunCheckedAsync("chown", [$"{ServiceAccount}:", configFile], null, CommandTimeout, cancellationToken);
            }

            var output = new ConcurrentQueue<string>();
            var process = Start(binary, configFile, rootDirectory, runAsServiceAccount, output);
            var listening = await WaitUntilListeningAsync(process, port, cancellationToken);
            if (listening)
            {
                return new PgBouncer(rootDirectory, database, port, process, output, users);
            }

            await StopAsync(process, ReadPidFile(rootDirectory));
            var described = Describe(output);
            if (attempt == StartAttempts || !described.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"PgBouncer ({binary}) did not start listening on 127.0.0.1:{port} within {ListenTimeout.TotalSeconds:0} s." +
                    $"{Environment.NewLine}{described}");
            }
        }
    }

    private static string Configuration(NpgsqlConnectionStringBuilder target, string database, string rootDirectory, int port)
    {
        var host = string.IsNullOrEmpty(target.Host) ? IPAddress.Loopback.ToString() : target.Host;
        var lines = new[]
        {
            "; LiftSys.Sessions.TestSupport: throwaway PgBouncer for one test database",
            "[databases]",
            string.Create(CultureInfo.InvariantCulture, $"{database} = host={host} port={target.Port} dbname={database}"),
            string.Empty,
            "[pgbouncer]",
            $"listen_addr = {IPAddress.Loopback}",
            string.Create(CultureInfo.InvariantCulture, $"listen_port = {port}"),
            $"unix_socket_dir = {rootDirectory}",

            // Clients are trusted (only this machine can reach 127.0.0.1); towards the server PgBouncer logs in with
            // the auth_file's passwords, which trust needs anyway: it admits only users listed there.
            "auth_type = trust",
            $"auth_file = {Path.Combine(rootDirectory, "userlist.txt")}",
            "pool_mode = transaction",

            // Few server connections and many clients: every server connection serves a stream of different clients,
            // which is what a leak of one client's settings to the next needs in order to show.
            string.Create(CultureInfo.InvariantCulture, $"default_pool_size = {ServerPoolSize}"),
            "min_pool_size = 0",
            "reserve_pool_size = 0",
            "max_client_conn = 200",

            // Npgsql and other drivers may send these in the startup packet; PgBouncer refuses unknown ones otherwise.
            "ignore_startup_parameters = extra_float_digits,options",

            // Uses TLS when the server offers it (an external server may insist), plain TCP otherwise.
            "server_tls_sslmode = prefer",

            // A test waiting for a server connection longer than this is stuck; fail it rather than the whole run.
            "query_wait_timeout = 60",
            $"logfile = {Path.Combine(rootDirectory, "pgbouncer.log")}",
            $"pidfile = {Path.Combine(rootDirectory, PidFileName)}",
        };
        return string.Join('\n', lines) + "\n";
    }

    private static Process Start(string binary, string configFile, string rootDirectory, bool runAsServiceAccount, ConcurrentQueue<string> output)
    {
        var startInfo = new ProcessStartInfo(runAsServiceAccount ? "runuser" : binary)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // The service account may not be able to enter the test's current directory.
            WorkingDirectory = rootDirectory,
        };
        if (runAsServiceAccount)
        {
            foreach (var argument in new[] { "-u", ServiceAccount, "--", binary })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        // In the foreground (no -d), so this process owns it and can kill it; it logs to stderr as well as its logfile.
        startInfo.ArgumentList.Add(configFile);

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not run '{startInfo.FileName}': {exception.Message}", exception);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > OutputLinesKept && output.TryDequeue(out _))
        {
        }
    }

    private static string Describe(ConcurrentQueue<string> output) =>
        $"PgBouncer's last output:{Environment.NewLine}{string.Join(Environment.NewLine, output)}";

    private static async Task<bool> WaitUntilListeningAsync(Process process, int port, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ListenTimeout)
        {
            if (process.HasExited)
            {
                return false;
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }

        return false;
    }

    private async Task VerifyReachesServerAsync(PostgresServer server, CancellationToken cancellationToken)
    {
        // Listening says nothing about the server side: log in and query through it once, unpooled, so a server
        // PgBouncer cannot reach (or log in to) fails here with a clear message instead of in the middle of a test.
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString(PostgresServer.AppRole))
        {
            Pooling = false,
            Timeout = 30,
            CommandTimeout = 30,
        }.ConnectionString;
        try
        {
            await using var connection = await PostgresServer.OpenAsync(connectionString, cancellationToken);
            await connection.ScalarAsync<int>("SELECT 1");
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            var target = new NpgsqlConnectionStringBuilder(server.SuperuserConnectionString);
            var external = server.IsExternal
                ? $" The server comes from {TestEnvironment.ConnectionStringVariable}: PgBouncer runs on this machine and must be " +
                  $"able to reach {target.Host}:{target.Port} and log in there as {PostgresServer.AppRole} with the password " +
                  "the harness set (plain, md5 or SCRAM authentication; not certificate or peer)."
                : string.Empty;
            throw new InvalidOperationException(
                $"PgBouncer on 127.0.0.1:{Port} could not run a query on database '{Database}' of the server at " +
                $"{target.Host}:{target.Port}: {exception.Message}.{external}{Environment.NewLine}{Describe(output)}",
                exception);
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
                $"The tests run as root, so PgBouncer runs as the '{ServiceAccount}' OS user (it refuses root), but that " +
                "user does not exist. Install postgresql-15, which creates it: apt-get install -y postgresql-15.");
        }
    }

    /// <summary>
    /// Kills PgBouncers left behind by test processes that were killed before they could stop them (a hard kill skips
    /// <see cref="AppDomain.ProcessExit"/>), and deletes their directories.
    /// </summary>
    private static void RemoveAbandoned(string temporaryRoot)
    {
        foreach (var directory in Directory.EnumerateDirectories(temporaryRoot, DirectoryPrefix + "*"))
        {
            var ownerText = Path.GetFileName(directory)[DirectoryPrefix.Length..].Split('-')[0];
            if (!int.TryParse(ownerText, NumberStyles.None, CultureInfo.InvariantCulture, out var owner) || IsRunning(owner))
            {
                continue;
            }

            try
            {
                if (ReadPidFile(directory) is { } pid && IsPgBouncerOf(pid, directory))
                {
                    using var abandoned = Process.GetProcessById(pid);
                    abandoned.Kill();
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException
                                                  or InvalidOperationException or Win32Exception)
            {
                // Best effort: somebody else's leftovers must not fail this run.
            }

            TryDeleteDirectory(directory);
        }
    }

    private static int? ReadPidFile(string directory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(directory, PidFileName)).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // A pid file may outlive its process, and the pid be reused: only kill a process started with this directory's config.
    private static bool IsPgBouncerOf(int pid, string directory)
    {
        var commandLine = Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture), "cmdline");
        return File.Exists(commandLine) && File.ReadAllText(commandLine).Contains(directory, StringComparison.Ordinal);
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

    private static async Task StopAsync(Process process, int? pgBouncerPid)
    {
        // SIGTERM is PgBouncer's immediate shutdown: it closes its server connections itself. It goes to PgBouncer, not
        // to runuser, which would pass it on but then wait two seconds before exiting; runuser exits with its child.
        // SIGKILL only when that does not end it in time.
        try
        {
            if (!process.HasExited)
            {
                var pid = (pgBouncerPid ?? process.Id).ToString(CultureInfo.InvariantCulture);
                await ProcessRunner.RunAsync("kill", ["-TERM", pid], null, CommandTimeout, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            // No kill(1) to run: SIGKILL below does the job.
        }

        if (!await WaitForExitAsync(process))
        {
            Kill(process);
            await WaitForExitAsync(process);
        }

        process.Dispose();
    }

    private static async Task<bool> WaitForExitAsync(Process process)
    {
        using var deadline = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            // As root the process is runuser and PgBouncer its child: the whole tree goes.
            process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception)
        {
            // Already gone.
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

    private static string QuoteAuthFileValue(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

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

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex PlainName();

    private void OnProcessExit(object? sender, EventArgs e)
    {
        // The process is ending and gives handlers little time: no polite shutdown here.
        Kill(process);
        process.WaitForExit(StopTimeout);
        TryDeleteDirectory(RootDirectory);
    }
}
