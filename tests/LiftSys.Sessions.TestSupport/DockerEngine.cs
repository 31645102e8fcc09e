using System.Net.Sockets;

namespace LiftSys.Sessions.TestSupport;

/// <summary>Finds out whether a Docker engine answers, to choose the container backend when nobody asked for one.</summary>
internal static class DockerEngine
{
    /// <summary>The variable Docker's own client (and Testcontainers) reads the engine's address from.</summary>
    public const string HostVariable = "DOCKER_HOST";

    private const string DefaultSocket = "unix:///var/run/docker.sock";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The engine's address as Docker's client reads it: <see cref="HostVariable"/>, else the default socket.</summary>
    /// <returns>The endpoint, or <see langword="null"/> when there is none to probe (a named pipe on Windows, or a malformed value).</returns>
    public static Uri? ResolveEndpoint(string? dockerHost)
    {
        if (string.IsNullOrWhiteSpace(dockerHost))
        {
            return OperatingSystem.IsWindows() ? null : new Uri(DefaultSocket);
        }

        return Uri.TryCreate(dockerHost.Trim(), UriKind.Absolute, out var endpoint)
            && endpoint.Scheme is "unix" or "tcp"
            ? endpoint
            : null;
    }

    /// <summary>Asks the engine at <paramref name="endpoint"/> for <c>GET /_ping</c>.</summary>
    /// <returns><see langword="true"/> when it answered with a success status in time.</returns>
    public static async Task<bool> IsReachableAsync(Uri? endpoint, CancellationToken cancellationToken)
    {
        if (endpoint is null || (endpoint.Scheme == "unix" && !File.Exists(endpoint.AbsolutePath)))
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var handler = new SocketsHttpHandler();
        Uri ping;
        if (endpoint.Scheme == "unix")
        {
            var socketPath = endpoint.AbsolutePath;
            handler.ConnectCallback = (_, token) => ConnectUnixSocketAsync(socketPath, token);
            ping = new Uri("http://docker/_ping");
        }
        else
        {
            ping = new UriBuilder(Uri.UriSchemeHttp, endpoint.Host, endpoint.Port, "/_ping").Uri;
        }

        using var client = new HttpClient(handler);
        try
        {
            using var response = await client.GetAsync(ping, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or SocketException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Not there, not answering, or not an engine: the automatic choice falls back to the local binaries.
            return false;
        }
    }

    private static async ValueTask<Stream> ConnectUnixSocketAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
