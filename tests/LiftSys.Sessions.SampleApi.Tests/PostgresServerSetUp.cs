using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>Stops the run's PostgreSQL server once every test in this assembly has finished.</summary>
[SetUpFixture]
public sealed class PostgresServerSetUp
{
    [OneTimeTearDown]
    public Task StopServer() => TestEnvironment.StopAsync();
}
