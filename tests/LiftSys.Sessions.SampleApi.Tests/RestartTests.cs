using System.Net;
using System.Text.Json.Nodes;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>The spec's restart test: sessions live in PostgreSQL, not in the process.</summary>
public sealed class RestartTests
{
    [Test]
    public async Task Session_created_before_a_restart_reads_back_the_same_after_it()
    {
        await using var database = await TestDatabase.CreateAsync();
        var userId = Guid.NewGuid();
        var secret = TestTokens.NewSecret();
        JsonNode before;
        Guid sessionId;
        await using (var first = new SampleApiFactory(database, secret))
        {
            using var client = first.CreateClientFor(userId);
            sessionId = await client.CreateSessionAsync("Create a function that adds two numbers");
            await (await client.PostJsonAsync(
                $"/api/sessions/{sessionId}/revisions", new { Source = "initial", IrContent = new { Intent = new { Summary = "add" } } })).ExpectAsync(HttpStatusCode.Created);
            before = await (await client.GetAsync($"/api/sessions/{sessionId}")).ExpectAsync(HttpStatusCode.OK);
        }

        // Nothing of the first host survives: its services (and the library's data source) are disposed with it.
        NpgsqlConnection.ClearAllPools();
        await using var second = new SampleApiFactory(database, secret);
        using var again = second.CreateClientFor(userId);

        using var response = await again.GetAsync($"/api/sessions/{sessionId}");

        var after = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(after.Id("session_id"), Is.EqualTo(sessionId));
            Assert.That(JsonNode.DeepEquals(after, before), Is.True, $"before: {before.ToJsonString()}\nafter: {after.ToJsonString()}");
        });
    }

    [Test]
    public async Task MigrateOnStartup_migrates_an_empty_database_as_the_owner_and_the_host_serves_it()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using var api = new SampleApiFactory(database, settings: new Dictionary<string, string?>
        {
            ["MigrateOnStartup"] = "true",
            ["LiftSysSessions:MigrationConnectionString"] = database.OwnerConnectionString,
        });
        using var client = api.CreateClientFor(Guid.NewGuid());

        var health = await (await client.GetAsync("/health")).ExpectAsync(HttpStatusCode.OK);
        var sessionId = await client.CreateSessionAsync();

        Assert.That(health.Text("status"), Is.EqualTo("healthy"));
        Assert.That(sessionId, Is.Not.EqualTo(Guid.Empty));
    }
}
