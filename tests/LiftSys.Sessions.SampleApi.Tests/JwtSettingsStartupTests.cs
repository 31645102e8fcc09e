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

        var failure = StartupFailure(() => new SampleApiFactory(database, settings: settings));

        Assert.That(failure.Message, Does.Contain(expected));
    }

    [Test]
    public void Host_refuses_to_start_with_both_a_key_set_and_a_discovery_document()
    {
        var failure = StartupFailure(() => new SampleApiFactory(database, settings: new Dictionary<string, string?>
        {
            ["Jwt:JwksUrl"] = "https://project.supabase.co/auth/v1/.well-known/jwks.json",
            ["Jwt:Authority"] = "https://project.supabase.co/auth/v1",
        }));

        Assert.That(failure.Message, Does.Contain("set one"));
    }

    [Test]
    public void Host_starts_with_issuer_audience_and_a_secret()
    {
        using var api = new SampleApiFactory(database);

        Assert.DoesNotThrow(() => api.CreateClient().Dispose());
    }

    /// <summary>
    /// Starts the API and returns the validation failure that stopped it. WebApplicationFactory's deferred host asks the
    /// application's services for its lifetime after the application's own start-up may already have failed and
    /// disposed them (a race in DeferredHost.StartAsync); the ObjectDisposedException then hides the failure. The
    /// failure itself is deterministic, so a fresh factory is tried again.
    /// </summary>
    private static OptionsValidationException StartupFailure(Func<SampleApiFactory> create)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var api = create();
            try
            {
                api.CreateClient().Dispose();
            }
            catch (OptionsValidationException failure)
            {
                return failure;
            }
            catch (ObjectDisposedException) when (attempt < 5)
            {
                continue;
            }

            throw new AssertionException("The host started although its token settings are unsafe.");
        }
    }
}
