using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.DependencyInjection;

/// <summary>
/// Connection-string settings that break the claims contract are refused when the host starts, naming the setting and
/// what to use instead, in every connection string the library uses.
/// </summary>
public sealed class ClaimsContractOptionsTests
{
    private const string Base = "Host=db;Database=x;Username=app";

    [TestCase("Multiplexing=true", ClaimsScope.Connection, "'Multiplexing=true'")]
    [TestCase("Multiplexing=true", ClaimsScope.Transaction, "'Multiplexing=true'")]
    [TestCase("No Reset On Close=true", ClaimsScope.Connection, "'No Reset On Close=true' with ClaimsScope.Connection")]
    [TestCase("Options=-c role=service_role", ClaimsScope.Connection, "'role'")]
    [TestCase("Options='-c search_path=public -crole=service_role'", ClaimsScope.Transaction, "'role'")]
    [TestCase("Options=--session-authorization=postgres", ClaimsScope.Transaction, "'session_authorization'")]
    [TestCase("Options='-c request.jwt.claims={}'", ClaimsScope.Transaction, "'request.jwt.claims'")]
    [TestCase("Options='-c Request.JWT.Claim.Sub=00000000-0000-0000-0000-000000000001'", ClaimsScope.Connection, "'Request.JWT.Claim.Sub'")]
    [TestCase("Host=aws-0-eu-central-1.pooler.supabase.com;Port=6543;No Reset On Close=true;Max Auto Prepare=20", ClaimsScope.Transaction, "'Max Auto Prepare=20' on Supabase's transaction pooler")]
    public void Connection_string_setting_that_breaks_the_claims_contract_is_refused_naming_it(string setting, ClaimsScope scope, string expected)
    {
        var ex = ValidateFails(o =>
        {
            o.ConnectionString = $"{Base};{setting}";
            o.ClaimsScope = scope;
        });

        Assert.That(ex.Message, Does.Contain("ConnectionString sets").And.Contain(expected));
    }

    [Test]
    public void Supabase_transaction_pooler_with_connection_scope_is_refused_pointing_at_transaction_scope()
    {
        var ex = ValidateFails(o => o.ConnectionString = "Host=aws-0-eu-central-1.pooler.supabase.com;Port=6543;Database=postgres;Username=app.ref");

        Assert.That(ex.Message, Does.Contain("transaction pooler").And.Contain("Use ClaimsScope.Transaction"));
    }

    [Test]
    public void Service_role_connection_string_is_held_to_the_same_rules()
    {
        var ex = ValidateFails(o =>
        {
            o.ConnectionString = Base;
            o.ServiceRoleConnectionString = $"{Base};Multiplexing=true";
        });

        Assert.That(ex.Message, Does.Contain("ServiceRoleConnectionString sets 'Multiplexing=true'"));
    }

    [Test]
    public void Migration_connection_string_with_multiplexing_is_refused()
    {
        var ex = ValidateFails(o =>
        {
            o.ConnectionString = Base;
            o.MigrationConnectionString = $"{Base};Multiplexing=true";
        });

        Assert.That(ex.Message, Does.Contain("MigrationConnectionString sets 'Multiplexing=true'"));
    }

    [TestCase("No Reset On Close=true", ClaimsScope.Transaction)]
    [TestCase("Options=-c search_path=public", ClaimsScope.Connection)]
    [TestCase("Host=aws-0-eu-central-1.pooler.supabase.com;Port=6543;No Reset On Close=true", ClaimsScope.Transaction)]
    [TestCase("Host=aws-0-eu-central-1.pooler.supabase.com;Port=5432", ClaimsScope.Connection)]
    [TestCase("Host=aws-0-eu-central-1.pooler.supabase.com;Port=5432;Max Auto Prepare=20", ClaimsScope.Connection)]
    [TestCase("Host=db.ref.supabase.co;Port=5432;Max Auto Prepare=20;Auto Prepare Min Usages=2", ClaimsScope.Connection)]
    [TestCase("Max Auto Prepare=20", ClaimsScope.Transaction)]
    public void Settings_that_keep_the_claims_contract_are_accepted(string setting, ClaimsScope scope)
    {
        var services = Provider(o =>
        {
            o.ConnectionString = $"{Base};{setting}";
            o.ClaimsScope = scope;
        });

        Assert.DoesNotThrow(() => _ = services.GetRequiredService<IOptions<LiftSysSessionsOptions>>().Value);
    }

    [TestCase("Port=6543", 0)]
    [TestCase("Host=db.internal,aws-0-eu-central-1.pooler.supabase.com:6543;Port=6543", 1)]
    [TestCase("Host=db.internal;Port=6543", 0)]
    public void Supabase_transaction_pooler_is_recognised_among_several_hosts_and_not_without_one(string connectionString, int expected)
    {
        var violations = ClaimsConnectionSettings.FindViolations(new NpgsqlConnectionStringBuilder(connectionString), ClaimsScope.Connection, "ConnectionString");

        Assert.That(violations, Has.Count.EqualTo(expected).And.All.Contains("transaction pooler"));
    }

    [Test]
    public async Task Host_with_multiplexing_does_not_start_so_users_cannot_be_mixed()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddLiftSysSessions(o => o.ConnectionString = $"{Base};Multiplexing=true");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("Multiplexing"));
    }

    [Test]
    public async Task Context_configured_by_hand_on_a_multiplexing_connection_refuses_to_run()
    {
        await using var database = await TestDatabase.CreateAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(database.Server.AppConnectionString(database.Name)) { Multiplexing = true };
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(dataSource)
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance)
            .Options);
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "test");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Sessions.CountAsync());

        Assert.That(ex!.Message, Does.Contain("'Multiplexing=true'"));
    }

    private static OptionsValidationException ValidateFails(Action<LiftSysSessionsOptions> configure)
    {
        var services = Provider(configure);
        return Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<LiftSysSessionsOptions>>().Value)!;
    }

    private static ServiceProvider Provider(Action<LiftSysSessionsOptions> configure) =>
        new ServiceCollection().Also(s => s.AddLiftSysSessions(configure)).BuildServiceProvider();
}
