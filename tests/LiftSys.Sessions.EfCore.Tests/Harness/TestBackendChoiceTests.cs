using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.EfCore.Tests.Harness;

public sealed class TestBackendChoiceTests
{
    private const string ConnectionString = "Host=db.example;Username=postgres;Password=secret";

    [TestCase("container", TestBackend.Container)]
    [TestCase("local", TestBackend.Local)]
    [TestCase(" Container ", TestBackend.Container)]
    [TestCase("LOCAL", TestBackend.Local)]
    public async Task ChooseBackendAsync_requested_backend_wins_without_probing_docker(string requested, TestBackend expected)
    {
        // Arrange
        var probe = new DockerProbe(reachable: false);

        // Act
        var backend = await TestEnvironment.ChooseBackendAsync(requested, ConnectionString, probe.IsReachableAsync, CancellationToken.None);

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(backend, Is.EqualTo(expected));
            Assert.That(probe.Calls, Is.Zero);
        }
    }

    [Test]
    public async Task ChooseBackendAsync_requested_external_with_connection_string_returns_external()
    {
        // Arrange
        var probe = new DockerProbe(reachable: true);

        // Act
        var backend = await TestEnvironment.ChooseBackendAsync("external", ConnectionString, probe.IsReachableAsync, CancellationToken.None);

        // Assert
        Assert.That(backend, Is.EqualTo(TestBackend.External));
    }

    [Test]
    public async Task ChooseBackendAsync_requested_external_without_connection_string_throws_naming_both_variables()
    {
        // Arrange
        var probe = new DockerProbe(reachable: true);

        // Act
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => TestEnvironment.ChooseBackendAsync("external", " ", probe.IsReachableAsync, CancellationToken.None));

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exception.Message, Does.Contain(TestEnvironment.BackendVariable));
            Assert.That(exception.Message, Does.Contain(TestEnvironment.ConnectionStringVariable));
        }
    }

    [Test]
    public async Task ChooseBackendAsync_unknown_backend_throws_naming_variable_and_choices()
    {
        // Arrange
        var probe = new DockerProbe(reachable: true);

        // Act
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => TestEnvironment.ChooseBackendAsync("docker", null, probe.IsReachableAsync, CancellationToken.None));

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exception.Message, Does.Contain(TestEnvironment.BackendVariable).And.Contain("'docker'"));
            Assert.That(exception.Message, Does.Contain("external, local or container"));
        }
    }

    [Test]
    public async Task ChooseBackendAsync_unset_with_connection_string_returns_external_without_probing_docker()
    {
        // Arrange
        var probe = new DockerProbe(reachable: true);

        // Act
        var backend = await TestEnvironment.ChooseBackendAsync(null, ConnectionString, probe.IsReachableAsync, CancellationToken.None);

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(backend, Is.EqualTo(TestBackend.External));
            Assert.That(probe.Calls, Is.Zero);
        }
    }

    [TestCase(true, TestBackend.Container)]
    [TestCase(false, TestBackend.Local)]
    public async Task ChooseBackendAsync_unset_without_connection_string_follows_docker_probe(bool dockerReachable, TestBackend expected)
    {
        // Arrange
        var probe = new DockerProbe(dockerReachable);

        // Act
        var backend = await TestEnvironment.ChooseBackendAsync("", null, probe.IsReachableAsync, CancellationToken.None);

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(backend, Is.EqualTo(expected));
            Assert.That(probe.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task GetServerAsync_server_runs_on_backend_this_environment_chooses()
    {
        // Arrange
        var expected = await TestEnvironment.ChooseBackendAsync(CancellationToken.None);

        // Act
        var server = await TestEnvironment.GetServerAsync();

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(server.Backend, Is.EqualTo(expected));
            Assert.That(server.IsExternal, Is.EqualTo(expected == TestBackend.External));
            Assert.That(server.DataDirectory is not null, Is.EqualTo(expected == TestBackend.Local), "only the local cluster has a data directory here");
            Assert.That(server.Description, Does.StartWith($"PostgreSQL {server.Version} "));
        }
    }

    private sealed class DockerProbe(bool reachable)
    {
        public int Calls { get; private set; }

        public Task<bool> IsReachableAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(reachable);
        }
    }
}
