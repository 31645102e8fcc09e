using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Docker.DotNet.Models;
using Npgsql;
using Testcontainers.PostgreSql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// A throwaway PostgreSQL container for one test process, started with Testcontainers' <see cref="PostgreSqlBuilder"/>
/// from any image that behaves like the official <c>postgres</c> one (the repository builds such an image from
/// Debian's packages in tools/postgres-image for machines without a registry). Password authentication with a fresh
/// random superuser password, its port published on 127.0.0.1 only, durability switched off.
/// </summary>
/// <remarks>
/// The container is removed by <see cref="StopAsync"/> (the run's end or <see cref="AppDomain.ProcessExit"/>), so the
/// run does not depend on Testcontainers' reaper, which needs its own image from a registry; where the reaper runs
/// it also removes the container of a test process that was killed outright.
/// </remarks>
internal sealed class PostgresContainer : IThrowawayServer
{
    private const int PostgresPort = 5432;
    private const string SuperuserName = "postgres";

    private readonly PostgreSqlContainer container;
    private int stopped;

    private PostgresContainer(PostgreSqlContainer container, string image)
    {
        this.container = container;
        Image = image;
    }

    /// <summary>Gets the image the container runs.</summary>
    public string Image { get; }

    /// <summary>Gets the container's id, shortened the way docker ps shows it.</summary>
    public string ShortId => container.Id.Length > 12 ? container.Id[..12] : container.Id;

    /// <summary>Gets the host port that reaches the server's port 5432.</summary>
    public int Port => container.GetMappedPublicPort(PostgresPort);

    /// <inheritdoc/>
    public string? DataDirectory => null;

    /// <inheritdoc/>
    public string Description => string.Create(
        CultureInfo.InvariantCulture, $"in container {Image} ({ShortId}) on {container.Hostname}:{Port}");

    /// <summary>Starts a container from <paramref name="image"/> and waits until the server accepts connections.</summary>
    /// <param name="image">The image, e.g. <c>postgres:15</c>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running container; <see cref="StopAsync"/> removes it.</returns>
    public static async Task<PostgresContainer> StartAsync(string image, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);

        // The password travels only to the container's environment and this process; a fixed one would let anybody
        // who reaches the published port in.
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var container = new PostgreSqlBuilder(image)
            .WithUsername(SuperuserName)
            .WithPassword(password)
            .WithDatabase("postgres")

            // The same shape as the local throwaway cluster: PgBouncer and parallel tests need more than the default
            // 100 connections, and durability is pointless for a server removed at the end of the run.
            .WithCommand(
                "-c", "max_connections=200",
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off")
            .WithCreateParameterModifier(PublishOnLoopbackOnly)
            .WithLabel("org.liftsys.sessions.test-process", Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
            .Build();

        var started = new PostgresContainer(container, image);
        try
        {
            await container.StartAsync(cancellationToken);
            return started;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await started.StopAsync();
            throw new InvalidOperationException(
                $"Testcontainers could not start PostgreSQL from the image '{image}': {exception.Message} " +
                $"The image comes from {TestEnvironment.ImageVariable} (default {TestEnvironment.DefaultImage}). With " +
                "Debian's Docker engine set DOCKER_API_VERSION=1.41; on a machine that believes it runs inside a " +
                "container set TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1; without a registry set " +
                "TESTCONTAINERS_RYUK_DISABLED=true and build the image with tools/postgres-image/build-image.sh. " +
                $"Or choose another backend with {TestEnvironment.BackendVariable}=local.",
                exception);
        }
        catch
        {
            await started.StopAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public NpgsqlConnectionStringBuilder CreateSuperuserConnectionString() => new(container.GetConnectionString())
    {
        IncludeErrorDetail = true,
    };

    /// <inheritdoc/>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        // Stops (the image's STOPSIGNAL is SIGINT: a fast shutdown) and removes the container.
        await container.DisposeAsync();
    }

    // Docker publishes on every interface unless told otherwise; the tests' server must not be reachable from the
    // network, whatever the engine's default.
    private static void PublishOnLoopbackOnly(CreateContainerParameters parameters)
    {
        if (parameters.HostConfig?.PortBindings is not { } bindings)
        {
            return;
        }

        foreach (var binding in bindings.Values.SelectMany(list => list ?? []))
        {
            binding.HostIP = IPAddress.Loopback.ToString();
        }
    }
}
