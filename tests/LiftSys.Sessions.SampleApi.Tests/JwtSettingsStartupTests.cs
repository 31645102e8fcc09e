using LiftSys.Sessions.TestSupport;
using Microsoft.Extensions.Options;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>Token settings that would accept tokens they should not stop the host at start, with a message naming the setting.</summary>
public sealed class JwtSettingsStartupTests
{
    private TestDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public Task DropDatabase() => database.DisposeAsync().AsTask();

    [TestCase("Jwt:Issuer", "", "Jwt:Issuer is required")]
    [TestCase("Jwt:Issuer", null, "Jwt:Issuer is required")]
    [TestCase("Jwt:Audience", "", "Jwt:Audience is required")]
    [TestCase("Jwt:Audience", null, "Jwt:Audience is required")]
    [TestCase("Jwt:Secret", "", "No signing key is configured")]
    [TestCase("Jwt:Secret", "too-short", "Jwt:Secret must be at least 32 bytes")]
    [TestCase("Jwt:JwksUrl", "http://keys.example.com/auth/v1/.well-known/jwks.json", "Jwt:JwksUrl must use https")]
    [TestCase("Jwt:JwksUrl", "not a url", "Jwt:JwksUrl must be an absolute http(s) URL")]
    [TestCase("Jwt:RequireHttpsMetadata", "false", "only allowed for a loopback address")]
    public void Host_refuses_to_start_with_unsafe_token_settings(string key, string? value, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key == "Jwt:RequireHttpsMetadata")
        {
            settings["Jwt:JwksUrl"] = "http://keys.example.com/auth/v1/.well-known/jwks.json";
        }

        using var api = new SampleApiFactory(database, settings: settings);

        var failure = Assert.Throws<OptionsValidationException>(() => api.CreateClient());

        Assert.That(failure!.Message, Does.Contain(expected));
    }

    [Test]
    public void Host_refuses_to_start_with_both_a_key_set_and_a_discovery_document()
    {
        using var api = new SampleApiFactory(database, settings: new Dictionary<string, string?>
        {
            ["Jwt:JwksUrl"] = "https://project.supabase.co/auth/v1/.well-known/jwks.json",
            ["Jwt:Authority"] = "https://project.supabase.co/auth/v1",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => api.CreateClient());

        Assert.That(failure!.Message, Does.Contain("set one"));
    }

    [Test]
    public void Host_starts_with_issuer_audience_and_a_secret()
    {
        using var api = new SampleApiFactory(database);

        Assert.DoesNotThrow(() => api.CreateClient().Dispose());
    }
}
