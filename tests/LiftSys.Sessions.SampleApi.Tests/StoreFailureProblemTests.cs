using System.Net;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>The library's typed store failures reach a client as 503 with <c>Retry-After</c>, not as a bare 500.</summary>
public sealed class StoreFailureProblemTests
{
    [Test]
    public async Task Post_session_store_unreachable_answers_503_with_retry_after()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new SampleApiFactory(database, settings: new Dictionary<string, string?>
        {
            ["LiftSysSessions:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=none;Username=nobody;Timeout=2",
            ["LiftSysSessions:MaxRetryCount"] = "0",
        });
        using var client = api.CreateClientFor(Guid.NewGuid());

        using var response = await client.PostJsonAsync("/api/sessions", new { Prompt = "Add two numbers" });
        var problem = await response.JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("The session store is unavailable"));
            Assert.That(problem["retry_after_seconds"]!.GetValue<long>(), Is.EqualTo(5));
        });
    }
}
