using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.Cli.Tests;

/// <summary>Stops the run's PostgreSQL server (if a test started one) once every test in this assembly has finished.</summary>
[SetUpFixture]
public sealed class PostgresServerSetUp
{
    [OneTimeTearDown]
    public Task StopServer() => TestEnvironment.StopAsync();
}
