using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// Chooses the PostgreSQL server for the whole test process (see <see cref="TestBackend"/>):
/// <see cref="BackendVariable"/> when it is set; otherwise the server named by <see cref="ConnectionStringVariable"/>
/// when that is set, else a throwaway Testcontainers container when a Docker engine answers, else a throwaway cluster
/// started from the local PostgreSQL binaries. A throwaway server is stopped at the end.
/// </summary>
public static class TestEnvironment
{
    /// <summary>
    /// The environment variable that, when set, holds a superuser connection string to an existing server; it is
    /// used as is and nothing is started.
    /// </summary>
    public const string ConnectionStringVariable = "LIFTSYS_TEST_POSTGRES";

    /// <summary>
    /// The environment variable that chooses the backend explicitly: <c>external</c>, <c>local</c> or
    /// <c>container</c> (case-insensitive). Unset or empty: chosen automatically.
    /// </summary>
    public const string BackendVariable = "LIFTSYS_TEST_BACKEND";

    /// <summary>The environment variable naming the image of the container backend.</summary>
    public const string ImageVariable = "LIFTSYS_TEST_POSTGRES_IMAGE";

    /// <summary>The container backend's image when <see cref="ImageVariable"/> is not set.</summary>
    public const string DefaultImage = "postgres:15";

    private const int ThrowawayCommandTimeoutSeconds = 300;

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
    /// Stops the throwaway cluster (deleting its directory) or container (removing it), or drops the migrated
    /// template from an external server. Safe to call more than once; a later <see cref="GetServerAsync"/> starts afresh.
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

    /// <summary>
    /// Decides the backend from the values of <see cref="BackendVariable"/> and <see cref="ConnectionStringVariable"/>,
    /// probing for a Docker engine only when the choice is automatic and no connection string is given.
    /// </summary>
    /// <param name="requested">The value of <see cref="BackendVariable"/>, or <see langword="null"/>.</param>
    /// <param name="connectionString">The value of <see cref="ConnectionStringVariable"/>, or <see langword="null"/>.</param>
    /// <param name="isDockerReachable">Answers whether a Docker engine answers.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The backend to start or connect to.</returns>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="requested"/> names no backend, or asks for <c>external</c> without a connection string.
    /// </exception>
    internal static async Task<TestBackend> ChooseBackendAsync(
        string? requested,
        string? connectionString,
        Func<CancellationToken, Task<bool>> isDockerReachable,
        CancellationToken cancellationToken)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(connectionString);
        if (!string.IsNullOrWhiteSpace(requested))
        {
            var backend = requested.Trim().ToUpperInvariant() switch
            {
                "EXTERNAL" => TestBackend.External,
                "LOCAL" => TestBackend.Local,
                "CONTAINER" => TestBackend.Container,
                _ => throw new InvalidOperationException(
                    $"{BackendVariable} is '{requested}'; it must be external, local or container, or unset to choose automatically."),
            };
            if (backend == TestBackend.External && !hasConnectionString)
            {
                throw new InvalidOperationException(
                    $"{BackendVariable}=external needs {ConnectionStringVariable}: a superuser connection string of the server to use.");
            }

            return backend;
        }

        if (hasConnectionString)
        {
            return TestBackend.External;
        }

        return await isDockerReachable(cancellationToken) ? TestBackend.Container : TestBackend.Local;
    }

    /// <summary>Decides the backend from this process's environment (see <see cref="ChooseBackendAsync(string?, string?, Func{CancellationToken, Task{bool}}, CancellationToken)"/>).</summary>
    internal static Task<TestBackend> ChooseBackendAsync(CancellationToken cancellationToken) =>
        ChooseBackendAsync(
            Environment.GetEnvironmentVariable(BackendVariable),
            Environment.GetEnvironmentVariable(ConnectionStringVariable),
            token => DockerEngine.IsReachableAsync(
                DockerEngine.ResolveEndpoint(Environment.GetEnvironmentVariable(DockerEngine.HostVariable)), token),
            cancellationToken);

    /// <summary>The container backend's image: <see cref="ImageVariable"/>, else <see cref="DefaultImage"/>.</summary>
    internal static string ContainerImage()
    {
        var image = Environment.GetEnvironmentVariable(ImageVariable);
        return string.IsNullOrWhiteSpace(image) ? DefaultImage : image.Trim();
    }

    // Not cancellable: every test waits on the same start, so one test's cancellation must not fail the others.
    private static async Task<PostgresServer> StartAsync()
    {
        var cancellationToken = CancellationToken.None;
        var backend = await ChooseBackendAsync(cancellationToken);
        if (backend == TestBackend.External)
        {
            var external = Environment.GetEnvironmentVariable(ConnectionStringVariable)!;
            return await PostgresServer.ConnectAsync(
                new NpgsqlConnectionStringBuilder(external), TestBackend.External, null, cancellationToken);
        }

        IThrowawayServer throwaway = backend == TestBackend.Container
            ? await PostgresContainer.StartAsync(ContainerImage(), cancellationToken)
            : await StartLocalClusterAsync(cancellationToken);
        try
        {
            // Every connection string the harness hands out derives from this one. The tests share two cores with
            // parallel test processes (and, on a developer machine, everything else), where a bulk load that takes
            // 5 s when idle can exceed Npgsql's default 30 s; a test that hangs for real is still ended by
            // dotnet test --blame-hang-timeout. An external server's connection string is used as given.
            var superuser = throwaway.CreateSuperuserConnectionString();
            superuser.CommandTimeout = ThrowawayCommandTimeoutSeconds;
            var started = await PostgresServer.ConnectAsync(superuser, backend, throwaway, cancellationToken);
            await TestContext.Progress.WriteLineAsync($"LiftSys.Sessions.TestSupport: {started.Description}");
            return started;
        }
        catch
        {
            await throwaway.StopAsync();
            throw;
        }
    }

    private static async Task<IThrowawayServer> StartLocalClusterAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                $"Starting a throwaway PostgreSQL cluster needs Linux or macOS; set {BackendVariable}=container (with " +
                $"Docker), or {ConnectionStringVariable} to a superuser connection string of an existing server.");
        }

        return await LocalPostgresCluster.StartAsync(cancellationToken);
    }
}
