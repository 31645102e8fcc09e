using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.EfCore.Tests.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LiftSys.Sessions.EfCore.Tests.DependencyInjection;

/// <summary>
/// Defence in depth: user operations on a login that cannot become <c>service_role</c>, service-role operations on a
/// connection string of their own (<see cref="LiftSysSessionsOptions.ServiceRoleConnectionString"/>).
/// </summary>
public sealed class ServiceRoleConnectionStringTests
{
    private TestDatabase database = null!;
    private UserFacingLogin userLogin = null!;
    private Guid alice;
    private Guid bob;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithTwoUsersAndAUserFacingLogin()
    {
        database = await TestDatabase.CreateAsync();
        userLogin = await UserFacingLogin.CreateAsync(database);
        (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        await using var services = BuildProvider(o => o.ConnectionString = AppConnectionString);
        using var actor = SessionActorScope.BeginServiceRole("test setup");
        var store = services.GetRequiredService<ISessionStore>();
        await store.CreateFromPromptAsync("alice's", new CreateSessionOptions { OwnerId = alice });
        await store.CreateFromPromptAsync("bob's", new CreateSessionOptions { OwnerId = bob });
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await database.DisposeAsync();
        await userLogin.DisposeAsync();
    }

    private string AppConnectionString => database.Server.AppConnectionString(database.Name);

    [Test]
    public async Task Service_role_runs_on_its_own_login_and_users_on_the_user_facing_one()
    {
        await using var services = BuildProvider(o =>
        {
            o.ConnectionString = userLogin.ConnectionString;
            o.ServiceRoleConnectionString = AppConnectionString;
        });
        var store = services.GetRequiredService<ISessionStore>();

        (string Login, Guid[] Owners) asService, asAlice;
        using (SessionActorScope.BeginServiceRole("test: reads across users"))
        {
            asService = (await SessionUserAsync(services), await OwnersAsync(store));
        }

        using (SessionActorScope.Begin(SessionActor.ForUser(alice), "test"))
        {
            asAlice = (await SessionUserAsync(services), await OwnersAsync(store));
        }

        Assert.Multiple(() =>
        {
            Assert.That(asService.Login, Is.EqualTo(PostgresServer.AppRole));
            Assert.That(asService.Owners, Is.EquivalentTo(new[] { alice, bob }));
            Assert.That(asAlice.Login, Is.EqualTo(userLogin.Name));
            Assert.That(asAlice.Owners, Is.EqualTo(new[] { alice }));
        });
    }

    [Test]
    public async Task Without_a_service_role_connection_string_the_user_facing_login_refuses_the_service_role()
    {
        await using var services = BuildProvider(o => o.ConnectionString = userLogin.ConnectionString);
        var store = services.GetRequiredService<ISessionStore>();
        using var actor = SessionActorScope.BeginServiceRole("test: the user-facing login cannot do this");

        var ex = await Assert.ThrowsAsync<ActorRoleNotGrantedException>(() => store.ListActiveAsync(PageRequest.First()));

        Assert.That(ex!.Message, Does.Contain(userLogin.Name).And.Contain("ServiceRoleConnectionString"));
    }

    [Test]
    public async Task Health_check_reports_a_user_facing_login_that_can_switch_to_service_role_without_failing()
    {
        var report = await CheckHealthAsync(o => o.ConnectionString = AppConnectionString);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Healthy), report.Description);
        Assert.That(report.Data["login_can_switch_to_service_role"], Is.True);
        Assert.That(report.Description, Does.Contain("can switch to service_role").And.Contain("ServiceRoleConnectionString"));
    }

    [Test]
    public async Task Health_check_with_a_separate_service_role_login_is_healthy_without_the_note()
    {
        var report = await CheckHealthAsync(o =>
        {
            o.ConnectionString = userLogin.ConnectionString;
            o.ServiceRoleConnectionString = AppConnectionString;
        });

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Healthy), report.Description);
        Assert.That(
            (report.Data["login_can_switch_to_service_role"], report.Data["service_role_connection"], report.Data["login_role"]),
            Is.EqualTo((false, "separate", userLogin.Name)));
        Assert.That(report.Description, Does.Not.Contain("can switch to service_role"));
    }

    [Test]
    public async Task Health_check_of_a_user_facing_login_without_a_service_role_login_says_what_is_missing()
    {
        var report = await CheckHealthAsync(o => o.ConnectionString = userLogin.ConnectionString);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Description, Does.Contain("may not switch to service_role").And.Contain("ServiceRoleConnectionString is not set"));
    }

    private static async Task<string> SessionUserAsync(IServiceProvider services)
    {
        await using var context = await services.GetRequiredService<IDbContextFactory<SessionsDbContext>>().CreateDbContextAsync();
        return await context.Database.SqlQueryRaw<string>("SELECT session_user::text AS \"Value\"").SingleAsync();
    }

    private static async Task<Guid[]> OwnersAsync(ISessionStore store) =>
        [.. (await store.ListActiveAsync(PageRequest.First())).Items.Select(s => s.UserId)];

    private static async Task<HealthReportEntry> CheckHealthAsync(Action<LiftSysSessionsOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLiftSysSessions(configure);
        services.AddHealthChecks().AddLiftSysSessions();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["liftsys-sessions"];
    }

    private static ServiceProvider BuildProvider(Action<LiftSysSessionsOptions> configure) =>
        new ServiceCollection().Also(s => s.AddLiftSysSessions(configure))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
}
