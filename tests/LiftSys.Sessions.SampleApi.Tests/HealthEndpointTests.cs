using System.Net;

namespace LiftSys.Sessions.SampleApi.Tests;

public sealed class HealthEndpointTests : SampleApiFixture
{
    [Test]
    public async Task Health_is_anonymous_and_healthy_on_a_migrated_database_with_a_safe_login()
    {
        using var client = Api.CreateClient();

        using var response = await client.GetAsync("/health");

        var body = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(body.Text("status"), Is.EqualTo("healthy"));
            Assert.That(body["entries"]!["liftsys-sessions"]!.Text("status"), Is.EqualTo("healthy"));
            Assert.That(body["entries"]!["liftsys-sessions"]!.Text("description"), Does.Contain("row-level security on"));
        });
    }

    [Test]
    public async Task Health_shows_no_check_data_to_anonymous_callers()
    {
        using var client = Api.CreateClient();

        using var response = await client.GetAsync("/health");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Not.Contain("liftsys_app").And.Not.Contain("login_role"));
    }
}
