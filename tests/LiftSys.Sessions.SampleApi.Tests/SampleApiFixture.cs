using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>One migrated database and one host per fixture; each test makes up its own users, so tests do not interfere.</summary>
public abstract class SampleApiFixture
{
    protected TestDatabase Database { get; private set; } = null!;

    protected SampleApiFactory Api { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartApi()
    {
        Database = await TestDatabase.CreateAsync();
        Api = new SampleApiFactory(Database);
    }

    [OneTimeTearDown]
    public async Task StopApi()
    {
        await Api.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>A new user, with a client that acts as them.</summary>
    protected TestUser NewUser()
    {
        var userId = Guid.NewGuid();
        return new TestUser(userId, Api.CreateClientFor(userId));
    }
}
