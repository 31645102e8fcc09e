using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiftSys.Sessions.EfCore.Tests.DependencyInjection;

public sealed class AddLiftSysSessionsTests
{
    private TestDatabase database = null!;
    private Guid alice;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        database = await TestDatabase.CreateAsync();
        alice = Guid.NewGuid();
        await using var services = BuildProvider(o => o.ConnectionString = AppConnectionString);
        using var scope = services.CreateScope();
        using var actor = SessionActorScope.BeginServiceRole("test setup");
        var context = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        context.Sessions.AddRange(Session.StartFromPrompt(alice, "a"), Session.StartFromPrompt(Guid.NewGuid(), "b"));
        await context.SaveChangesAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    private string AppConnectionString => database.Server.AppConnectionString(database.Name);

    [Test]
    public async Task Scoped_context_acts_as_the_registered_accessors_actor()
    {
        await using var services = BuildProvider(o => o.ConnectionString = AppConnectionString, b => b.UseActorAccessor<AliceAccessor>());
        AliceAccessor.UserId = alice;
        using var scope = services.CreateScope();

        var owners = await scope.ServiceProvider.GetRequiredService<SessionsDbContext>().Sessions.Select(s => s.UserId).ToListAsync();

        Assert.That(owners, Is.EqualTo(new[] { alice }));
    }

    [Test]
    public async Task Registering_twice_adds_one_interceptor_and_one_factory()
    {
        var collection = new ServiceCollection();
        collection.AddLiftSysSessions(o => o.ConnectionString = AppConnectionString);
        collection.AddLiftSysSessions(o => o.CommandTimeout = TimeSpan.FromSeconds(12));
        await using var services = collection.BuildServiceProvider();
        using var counter = new RoundTripCounter(database.Name);
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await using var context = await services.GetRequiredService<IDbContextFactory<SessionsDbContext>>().CreateDbContextAsync();

        await context.Sessions.CountAsync();

        Assert.Multiple(() =>
        {
            Assert.That(
                counter.Commands.Where(sql => !sql.Contains("pg_catalog.pg_roles", StringComparison.Ordinal)).ToArray(),
                Has.Length.EqualTo(1).And.All.StartsWith("CALL liftsys_sessions_apply_claims("),
                "the claims ride with the query (a new physical connection's login check aside)");
            Assert.That(context.Database.GetCommandTimeout(), Is.EqualTo(12), "both calls' settings apply");
            Assert.That(collection.Count(d => d.ServiceType == typeof(IDbContextFactory<SessionsDbContext>)), Is.EqualTo(1));
        });
    }

    [Test]
    public void Configuration_overload_binds_the_section_from_the_root_or_the_section_itself()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LiftSysSessions:ConnectionString"] = "Host=db;Database=x;Username=app",
            ["LiftSysSessions:ClaimsScope"] = "Transaction",
            ["LiftSysSessions:MaxRetryCount"] = "5",
        }).Build();

        var fromRoot = Resolve(new ServiceCollection().Also(s => s.AddLiftSysSessions(configuration)));
        var fromSection = Resolve(new ServiceCollection().Also(s => s.AddLiftSysSessions(configuration.GetSection("LiftSysSessions"))));

        Assert.Multiple(() =>
        {
            Assert.That((fromRoot.ConnectionString, fromRoot.ClaimsScope, fromRoot.MaxRetryCount),
                Is.EqualTo(("Host=db;Database=x;Username=app", ClaimsScope.Transaction, 5)));
            Assert.That((fromSection.ConnectionString, fromSection.ClaimsScope), Is.EqualTo((fromRoot.ConnectionString, fromRoot.ClaimsScope)));
        });

        static LiftSysSessionsOptions Resolve(IServiceCollection services) =>
            services.BuildServiceProvider().GetRequiredService<IOptions<LiftSysSessionsOptions>>().Value;
    }

    [TestCase(null, 30, 3, "ConnectionString is required")]
    [TestCase("Host=db;Bogus Keyword=1", 30, 3, "ConnectionString is not a valid PostgreSQL connection string")]
    [TestCase("Host=db", 0, 3, "CommandTimeout must be between 1 second and 1 hour")]
    [TestCase("Host=db", 30, 11, "MaxRetryCount must be between 0 and 10")]
    public void Invalid_options_fail_naming_the_setting(string? connectionString, int timeoutSeconds, int retries, string expected)
    {
        var services = new ServiceCollection().Also(s => s.AddLiftSysSessions(o =>
        {
            o.ConnectionString = connectionString;
            o.CommandTimeout = TimeSpan.FromSeconds(timeoutSeconds);
            o.MaxRetryCount = retries;
        })).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<LiftSysSessionsOptions>>().Value);

        Assert.That(ex!.Message, Does.Contain(expected));
    }

    [Test]
    public async Task Host_start_fails_on_invalid_options()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddLiftSysSessions(o => o.ConnectionString = "");
        using var host = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Test]
    public async Task MigrateLiftSysSessionsAsync_applies_pending_migrations_as_the_owner_then_reports_none()
    {
        await using var empty = await TestDatabase.CreateAsync(migrated: false);
        await using var services = BuildProvider(o =>
        {
            o.ConnectionString = empty.Server.AppConnectionString(empty.Name);
            o.MigrationConnectionString = empty.OwnerConnectionString;
        });

        var first = await services.MigrateLiftSysSessionsAsync();
        var second = await services.MigrateLiftSysSessionsAsync();

        using var context = empty.CreateOwnerContext();
        Assert.That((first, second), Is.EqualTo((context.Database.GetMigrations().ToList(), Array.Empty<string>())));
    }

    [Test]
    public async Task MigrateLiftSysSessionsAsync_without_an_owner_connection_string_explains_why()
    {
        await using var services = BuildProvider(o => o.ConnectionString = AppConnectionString);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => services.MigrateLiftSysSessionsAsync());

        Assert.That(ex!.Message, Does.Contain("MigrationConnectionString"));
    }

    private static ServiceProvider BuildProvider(Action<LiftSysSessionsOptions> configure, Action<LiftSysSessionsBuilder>? build = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddLiftSysSessions(configure);
        build?.Invoke(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    private sealed class AliceAccessor : ISessionActorAccessor
    {
        public static Guid UserId { get; set; }

        public SessionActor Current => SessionActor.ForUser(UserId);
    }
}
