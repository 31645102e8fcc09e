using System.Globalization;
using System.Net.Sockets;
using System.Text;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.EfCore.Tests.Harness;

public sealed class DockerEngineTests
{
    [Test]
    public void ResolveEndpoint_unset_returns_default_socket()
    {
        // Act
        var endpoint = DockerEngine.ResolveEndpoint(null);

        // Assert
        Assert.That(endpoint, Is.EqualTo(new Uri("unix:///var/run/docker.sock")));
    }

    [TestCase("unix:///tmp/liftsys-docker-x/docker.sock", "unix:///tmp/liftsys-docker-x/docker.sock")]
    [TestCase("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375")]
    public void ResolveEndpoint_docker_host_returns_it(string dockerHost, string expected)
    {
        // Act
        var endpoint = DockerEngine.ResolveEndpoint(dockerHost);

        // Assert
        Assert.That(endpoint, Is.EqualTo(new Uri(expected)));
    }

    [TestCase("npipe:////./pipe/docker_engine")]
    [TestCase("not a uri")]
    public void ResolveEndpoint_docker_host_without_probe_returns_null(string dockerHost)
    {
        // Act
        var endpoint = DockerEngine.ResolveEndpoint(dockerHost);

        // Assert
        Assert.That(endpoint, Is.Null);
    }

    [Test]
    public async Task IsReachableAsync_socket_file_missing_returns_false()
    {
        // Arrange
        var endpoint = new Uri($"unix://{Path.Combine(Path.GetTempPath(), $"liftsys-missing-{Guid.NewGuid():N}.sock")}");

        // Act
        var reachable = await DockerEngine.IsReachableAsync(endpoint, CancellationToken.None);

        // Assert
        Assert.That(reachable, Is.False);
    }

    [TestCase("200 OK", true)]
    [TestCase("500 Internal Server Error", false)]
    public async Task IsReachableAsync_engine_on_unix_socket_returns_whether_ping_succeeded(string status, bool expected)
    {
        // Arrange
        await using var engine = FakeEngine.Start(status);

        // Act
        var reachable = await DockerEngine.IsReachableAsync(engine.Endpoint, CancellationToken.None);

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reachable, Is.EqualTo(expected));
            Assert.That(await engine.FirstRequestLineAsync(), Is.EqualTo("GET /_ping HTTP/1.1"));
        }
    }

    /// <summary>Answers the first request on a unix socket with a fixed status, the way an engine answers /_ping.</summary>
    private sealed class FakeEngine : IAsyncDisposable
    {
        private readonly string directory;
        private readonly Socket listener;
        private readonly Task<string> served;

        private FakeEngine(string directory, Socket listener, string status)
        {
            this.directory = directory;
            this.listener = listener;
            served = ServeOnceAsync(status);
        }

        public Uri Endpoint => new($"unix://{Path.Combine(directory, "docker.sock")}");

        public static FakeEngine Start(string status)
        {
            var directory = Directory.CreateTempSubdirectory("liftsys-fake-docker-").FullName;
            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(directory, "docker.sock")));
            listener.Listen(1);
            return new FakeEngine(directory, listener, status);
        }

        public Task<string> FirstRequestLineAsync() => served;

        public async ValueTask DisposeAsync()
        {
            listener.Dispose();
            try
            {
                await served;
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // Nobody connected; the test's assertion says so.
            }

            Directory.Delete(directory, recursive: true);
        }

        private async Task<string> ServeOnceAsync(string status)
        {
            using var connection = await listener.AcceptAsync();
            await using var stream = new NetworkStream(connection, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync() ?? string.Empty;
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
            {
                // The headers: read to the blank line before answering.
            }

            var body = status.StartsWith("200", StringComparison.Ordinal) ? "OK" : "error";
            var response = string.Create(
                CultureInfo.InvariantCulture,
                $"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
            return requestLine;
        }
    }
}
