using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// Chooses the PostgreSQL server for the whole test process: the server named by
/// <see cref="ConnectionStringVariable"/> when it is set, otherwise a throwaway cluster started from the local
/// PostgreSQL binaries and stopped at the end.
/// </summary>
public static class TestEnvironment
{
    /// <summary>
    /// The environment variable that, when set, holds a superuser connection string to an existing server; it is
    /// used as is and nothing is started.
    /// </summary>
    public const string ConnectionStringVariable = "LIFTSYS_TEST_POSTGRES";

    private static readonly Lock Sync = new();
    private static Task<PostgresServer>? server;
    private static bool exitHandlerRegistered;

    /// <summary>Gets the run's server, starting or connecting to it on the first call.</summary>
    /// <param name="cancellationToken">Stops waiting; the start itself carries on for the other callers.</param>
    /// <returns>The server, the same one for every caller until <see cref="StopAsync"/>.</returns>
    public static Task<PostgresServer> GetServerAsync(CancellationToken cancellationToken = default)
    {
        Task<PostgresServer> current;
        lock (Sync)
        {
            if (!exitHandlerRegistered)
            {
                // An interrupted run (Ctrl+C, SIGTERM) still ends here; a hard kill is cleaned up by the next run.
                AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
                exitHandlerRegistered = true;
            }

            // A failed start stays failed: every test then reports the same cause at once instead of retrying.
            current = server ??= Task.Run(StartAsync, CancellationToken.None);
        }

        return current.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the throwaway cluster and deletes its directory, or drops the migrated template from an external
    /// server. Safe to call more than once; a later <see cref="GetServerAsync"/> starts afresh.
    /// </summary>
    /// <returns>A task that completes when the server is stopped.</returns>
    public static async Task StopAsync()
    {
        Task<PostgresServer>? stopping;
        lock (Sync)
        {
            stopping = server;
            server = null;
        }

        if (stopping is null)
        {
            return;
        }

        PostgresServer started;
        try
        {
            started = await stopping;
        }
        catch (Exception)
        {
            // The start failed and cleaned up after itself; its error was reported to the tests.
            return;
        }

        await started.ShutdownAsync();
    }

    private static void OnProcessExit(object? sender, EventArgs e)
    {
        try
        {
            StopAsync().GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // The process is ending either way; an exception here would only turn a clean exit into a crash report.
        }
    }

    // Not cancellable: every test waits on the same start, so one test's cancellation must not fail the others.
    private static async Task<PostgresServer> StartAsync()
    {
        var cancellationToken = CancellationToken.None;
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return await PostgresServer.ConnectAsync(new NpgsqlConnectionStringBuilder(external), null, cancellationToken);
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                $"Starting a throwaway PostgreSQL cluster needs Linux or macOS; set {ConnectionStringVariable} to a " +
                "superuser connection string of an existing server instead.");
        }

        var cluster = await LocalPostgresCluster.StartAsync(cancellationToken);
        try
        {
            var started = await PostgresServer.ConnectAsync(cluster.CreateSuperuserConnectionString(), cluster, cancellationToken);
            await TestContext.Progress.WriteLineAsync(
                $"LiftSys.Sessions.TestSupport: PostgreSQL {started.Version} on 127.0.0.1:{cluster.Port} ({cluster.DataDirectory})");
            return started;
        }
        catch
        {
            await cluster.StopAsync();
            throw;
        }
    }
}
