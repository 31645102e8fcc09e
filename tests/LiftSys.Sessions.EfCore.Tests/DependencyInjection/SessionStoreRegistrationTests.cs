using System.Text.Json;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LiftSys.Sessions.EfCore.Tests.DependencyInjection;

public sealed class SessionStoreRegistrationTests
{
    private static readonly Guid Alice = Guid.Parse("5a1ce000-0000-4000-8000-000000000001");

    [Test]
    public async Task Registered_store_persists_in_postgresql_under_row_level_security()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = Build(o => o.ConnectionString = database.Server.AppConnectionString(database.Name));
        var store = services.GetRequiredService<ISessionStore>();

        Session created;
        using (SessionActorScope.Begin(SessionActor.ForUser(Alice), "test"))
        {
            created = await store.CreateFromPromptAsync("Write a function that adds two numbers");
            await store.AppendRevisionAsync(created.Id, RevisionSource.Initial, JsonSerializer.SerializeToElement(new { intent = "add" }));
        }

        await using var owner = await database.OpenOwnerConnectionAsync();
        var stored = await owner.ScalarAsync<int>("SELECT revision_count FROM sessions WHERE id = $1 AND user_id = $2", created.Id, Alice);
        SessionSnapshot? seenByOther;
        using (SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "test"))
        {
            seenByOther = await store.GetAsync(created.Id);
        }

        Assert.That((stored, seenByOther), Is.EqualTo((1, (SessionSnapshot?)null)));
    }

    [Test]
    public async Task UseInMemoryStore_needs_no_connection_string_and_reports_degraded_health()
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddLiftSysSessions(_ => { }).UseInMemoryStore();
        collection.AddHealthChecks().AddLiftSysSessions();
        await using var services = collection.BuildServiceProvider();
        var store = services.GetRequiredService<ISessionStore>();

        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        var created = await store.CreateFromCodeAsync("print(1)");
        var read = await store.GetAsync(created.Id);
        var health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Multiple(() =>
        {
            Assert.That(read?.Session.OriginalInput, Is.EqualTo("print(1)"));
            Assert.That(health.Status, Is.EqualTo(HealthStatus.Degraded));
            Assert.That(health.Entries["liftsys-sessions"].Description, Does.Contain("lost when the process stops"));
        });
    }

    [Test]
    public async Task WithFallbackToMemory_unreachable_postgresql_trips_then_serves_new_sessions_from_memory_and_degrades_health()
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddLiftSysSessions(o =>
        {
            o.ConnectionString = "Host=127.0.0.1;Port=1;Database=none;Username=nobody;Timeout=2";
            o.MaxRetryCount = 0;
        }).WithFallbackToMemory();
        collection.AddHealthChecks().AddLiftSysSessions();
        await using var services = collection.BuildServiceProvider();
        var store = services.GetRequiredService<ISessionStore>();

        // The first confirmed outage is refused as such; the second trips the breaker (MinimumThroughput 2).
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        var first = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.CreateFromPromptAsync("refused"));
        var created = await store.CreateFromPromptAsync("still works");
        var read = await store.GetAsync(created.Id);
        var listed = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.ListActiveAsync(PageRequest.First()));
        var health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first?.InnerException?.GetBaseException(), Is.InstanceOf<System.Net.Sockets.SocketException>());
            Assert.That(read?.Session.OriginalInput, Is.EqualTo("still works"));
            Assert.That(listed?.RetryAfter, Is.Not.Null, "a list without PostgreSQL would be incomplete: refused, with a retry hint");
            Assert.That(health.Status, Is.EqualTo(HealthStatus.Degraded));
            Assert.That(health.Entries["liftsys-sessions"].Data["fallback_reason"], Does.Contain("unreachable"));
        });
    }

    [Test]
    public void WithFallbackToMemory_setting_out_of_range_is_refused_naming_it()
    {
        var builder = new ServiceCollection().AddLiftSysSessions(o => o.ConnectionString = "Host=localhost");

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithFallbackToMemory(o => o.BreakDuration = TimeSpan.FromMilliseconds(10)));

        Assert.That(refused?.ParamName, Is.EqualTo(nameof(FallbackToMemoryOptions.BreakDuration)));
    }

    [Test]
    public async Task WithFallbackToMemory_errors_postgresql_reports_do_not_switch_to_memory()
    {
        await using var database = await TestDatabase.CreateAsync();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddLiftSysSessions(o => o.ConnectionString = database.OwnerConnectionString).WithFallbackToMemory();
        collection.AddHealthChecks().AddLiftSysSessions();
        await using var services = collection.BuildServiceProvider();
        var store = services.GetRequiredService<ISessionStore>();

        // The owner login is refused (row-level security would not apply): a refusal, not an outage.
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        await Assert.ThrowsAsync<LiftSys.Sessions.EfCore.Security.UnsafeLoginRoleException>(() => store.CreateFromPromptAsync("p"));
        var health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.That(health.Entries["liftsys-sessions"].Data, Does.Not.ContainKey("fallback_reason"));
    }

    private static ServiceProvider Build(Action<LiftSysSessionsOptions> configure)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddLiftSysSessions(configure);
        return collection.BuildServiceProvider();
    }
}
