using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LiftSys.Sessions.EfCore.Tests.DependencyInjection;

/// <summary>
/// The library's own data sources check the login once per physical connection, on the synchronous open path as on the
/// asynchronous one: a safe login lets the claims skip the check, an unsafe one leaves it to every claims call, which
/// refuses.
/// </summary>
public sealed class PhysicalConnectionLoginCheckTests
{
    private TestDatabase database = null!;
    private Guid alice;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        database = await TestDatabase.CreateAsync();
        alice = Guid.NewGuid();
        using var actor = SessionActorScope.BeginServiceRole("test setup");
        await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance)
            .Options);
        context.Sessions.AddRange(Session.StartFromPrompt(alice, "a"), Session.StartFromPrompt(Guid.NewGuid(), "b"));
        await context.SaveChangesAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [TestCase(ClaimsScope.Connection)]
    [TestCase(ClaimsScope.Transaction)]
    public async Task Synchronous_open_checks_the_new_physical_connections_login_once_and_acts_as_the_actor(ClaimsScope scope)
    {
        await using var services = Provider(database.Server.AppConnectionString(database.Name), scope);
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        using var counter = new RoundTripCounter(database.Name);
        using var context = services.GetRequiredService<IDbContextFactory<SessionsDbContext>>().CreateDbContext();

        context.Database.OpenConnection();
        using var transaction = context.Database.BeginTransaction();
        var owners = context.Sessions.Select(s => s.UserId).ToList();
        var count = context.Sessions.Count();

        Assert.Multiple(() =>
        {
            Assert.That((owners.Single(), count), Is.EqualTo((alice, 1)));
            Assert.That(counter.Commands[0], Is.EqualTo(PhysicalConnectionLoginCheck.Sql), "checked when the physical connection opened");
            Assert.That(counter.Commands.Count(sql => sql == PhysicalConnectionLoginCheck.Sql), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Synchronous_open_on_an_unsafe_login_is_allowed_and_the_first_command_is_refused()
    {
        await using var services = Provider(database.OwnerConnectionString, ClaimsScope.Connection);
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        using var context = services.GetRequiredService<IDbContextFactory<SessionsDbContext>>().CreateDbContext();

        context.Database.OpenConnection();
        var ex = Assert.Throws<UnsafeLoginRoleException>(() => context.Sessions.Count());

        Assert.That(ex!.LoginRole, Is.EqualTo(PostgresServer.OwnerRole));
    }

    private static ServiceProvider Provider(string connectionString, ClaimsScope scope)
    {
        var services = new ServiceCollection();
        services.AddLiftSysSessions(o =>
        {
            o.ConnectionString = connectionString;
            o.ClaimsScope = scope;
            o.MaxRetryCount = 0;
        });
        return services.BuildServiceProvider();
    }
}
