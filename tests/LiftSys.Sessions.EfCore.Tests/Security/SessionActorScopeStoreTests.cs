using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>Disposed <see cref="SessionActorScope"/>s, seen through the store: nothing lists as a scope that has ended.</summary>
[TestFixture(ClaimsScope.Connection)]
[TestFixture(ClaimsScope.Transaction)]
public sealed class SessionActorScopeStoreTests(ClaimsScope scope)
{
    private TestDatabase database = null!;
    private MutableSessionActorAccessor host = null!;
    private EfCoreSessionStore store = null!;
    private Guid alice;
    private Guid bob;

    [OneTimeSetUp]
    public async Task CreateStoreWithTwoUsers()
    {
        database = await TestDatabase.CreateAsync();
        (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());

        // The host's own actor (as from a request's token) is bob; scopes override it.
        host = new MutableSessionActorAccessor { Current = SessionActor.ForUser(bob) };
        var options = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(host, o => o.ClaimsScope = scope)
            .Options;
        store = new EfCoreSessionStore(new PooledDbContextFactory<SessionsDbContext>(options), host, TimeProvider.System);
        using (SessionActorScope.Begin(SessionActor.ForUser(alice), "test setup"))
        {
            await store.CreateFromPromptAsync("alice's");
        }

        await store.CreateFromPromptAsync("bob's");
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [Test]
    public async Task ListActiveAsync_after_out_of_order_disposal_returns_only_the_hosts_users_sessions()
    {
        var owners = await Task.Run(async () =>
        {
            var service = SessionActorScope.BeginServiceRole("test: outer");
            var user = SessionActorScope.Begin(SessionActor.ForUser(alice), "test: inner");
            service.Dispose();
            user.Dispose();
            return (await store.ListActiveAsync(PageRequest.First())).Items.Select(s => s.UserId).ToArray();
        });

        Assert.That(owners, Is.EqualTo(new[] { bob }));
    }

    [Test]
    public async Task ListActiveAsync_in_work_that_outlived_its_service_scope_returns_nothing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<Page<Session>> outlived;
        using (SessionActorScope.BeginServiceRole("test: starts work that outlives the scope"))
        {
            outlived = Task.Run(async () =>
            {
                await gate.Task;
                return await store.ListActiveAsync(PageRequest.First());
            });
        }

        gate.SetResult();

        Assert.That((await outlived).Items, Is.Empty);
    }

    [Test]
    public async Task ListActiveAsync_inside_a_live_service_scope_still_returns_every_users_sessions()
    {
        using var service = SessionActorScope.BeginServiceRole("test: the control");

        var owners = (await store.ListActiveAsync(PageRequest.First())).Items.Select(s => s.UserId);

        Assert.That(owners, Is.EquivalentTo(new[] { alice, bob }));
    }
}
