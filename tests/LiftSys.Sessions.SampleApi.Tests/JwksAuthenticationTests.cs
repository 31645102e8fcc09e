using System.Net;
using System.Text;
using LiftSys.Sessions.TestSupport;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>
/// Supabase's asymmetric signing keys (RS256, ES256) fetched from the project's JWKS, served over HTTP by the test
/// itself; alone, beside the legacy HS256 secret, and through an OpenID Connect discovery document.
/// </summary>
public sealed class JwksAuthenticationTests
{
    private TestSigningKey rsa = null!;
    private TestSigningKey ecdsa = null!;
    private JwksServer keyServer = null!;
    private TestDatabase database = null!;
    private SampleApiFactory api = null!;

    [OneTimeSetUp]
    public async Task StartKeyServerAndApi()
    {
        rsa = TestSigningKey.Rsa();
        ecdsa = TestSigningKey.EcdsaP256();
        keyServer = await JwksServer.StartAsync(rsa, ecdsa);
        database = await TestDatabase.CreateAsync();
        api = CreateApi(new Dictionary<string, string?> { ["Jwt:Secret"] = string.Empty, ["Jwt:JwksUrl"] = keyServer.JwksUrl });
    }

    [OneTimeTearDown]
    public async Task StopAll()
    {
        await api.DisposeAsync();
        await database.DisposeAsync();
        await keyServer.DisposeAsync();
        rsa.Dispose();
        ecdsa.Dispose();
    }

    [Test]
    public async Task Rs256_token_signed_with_a_published_key_acts_as_its_user()
    {
        var userId = Guid.NewGuid();
        using var client = api.CreateClientWithToken(api.Tokens.Create(TestTokens.UserClaims(userId), signingCredentials: rsa.Credentials));

        var created = await (await client.PostJsonAsync("/api/sessions", new { Prompt = "Add two numbers" })).ExpectAsync(HttpStatusCode.Created);

        Assert.That(created.Id("user_id"), Is.EqualTo(userId));
        Assert.That(keyServer.KeySetRequests, Is.GreaterThan(0), "the keys came from the key server");
    }

    [Test]
    public async Task Es256_token_signed_with_a_published_key_is_accepted()
    {
        var token = api.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingCredentials: ecdsa.Credentials);

        var (status, body) = await GetSessionsAsync(api, token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
    }

    [Test]
    public async Task Token_signed_with_an_unpublished_key_is_401_invalid_signature()
    {
        using var stranger = TestSigningKey.Rsa();
        var token = api.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingCredentials: stranger.Credentials);

        var (status, body) = await GetSessionsAsync(api, token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(body, Does.Contain("signature"));
    }

    [Test]
    public async Task Hs256_token_is_401_when_no_secret_is_configured()
    {
        var token = api.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingSecret: TestTokens.NewSecret());

        var (status, _) = await GetSessionsAsync(api, token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Hs256_token_keyed_with_the_published_public_key_is_401()
    {
        // The classic algorithm confusion: the public key, which anyone can fetch, used as an HMAC secret.
        var publicKey = Encoding.UTF8.GetBytes(rsa.PublicJwk.ToJsonString());
        var credentials = new SigningCredentials(new SymmetricSecurityKey(publicKey) { KeyId = rsa.Credentials.Kid }, SecurityAlgorithms.HmacSha256);
        var token = api.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingCredentials: credentials);

        var (status, _) = await GetSessionsAsync(api, token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("https://another-project.supabase.co/auth/v1", "authenticated", "issuer")]
    [TestCase(null, "authenticated", "issuer")]
    [TestCase("default", "some-other-api", "audience")]
    [TestCase("default", null, "audience")]
    public async Task Token_signed_with_a_published_key_but_wrong_claims_is_401(string? issuer, string? audience, string reason)
    {
        var token = api.Tokens.Create(
            TestTokens.UserClaims(Guid.NewGuid()),
            signingCredentials: rsa.Credentials,
            audience: audience,
            issuer: issuer == "default" ? null : issuer,
            withIssuer: issuer is not null);

        var (status, body) = await GetSessionsAsync(api, token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(body, Does.Contain(reason));
    }

    [Test]
    public async Task Key_published_after_start_is_accepted_once_the_key_set_is_refreshed()
    {
        // A host of its own: JwtBearer refreshes on an unknown key id at most once per RefreshInterval (5 minutes), and
        // the other tests' unknown keys must not have used that up.
        await using var rotating = CreateApi(new Dictionary<string, string?> { ["Jwt:Secret"] = string.Empty, ["Jwt:JwksUrl"] = keyServer.JwksUrl });
        var before = rotating.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingCredentials: rsa.Credentials);
        var (beforeStatus, _) = await GetSessionsAsync(rotating, before);
        using var rotated = TestSigningKey.EcdsaP256();
        keyServer.Publish(rsa, ecdsa, rotated);
        var token = rotating.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingCredentials: rotated.Credentials);

        // The unknown key id makes JwtBearer fetch the key set again, in the background: a request or two later.
        var status = HttpStatusCode.Unauthorized;
        for (var attempt = 0; attempt < 50 && status != HttpStatusCode.OK; attempt++)
        {
            (status, _) = await GetSessionsAsync(rotating, token);
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }

        Assert.That(beforeStatus, Is.EqualTo(HttpStatusCode.OK), "the key set was loaded before the rotation");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Secret_and_published_keys_together_accept_both_kinds_of_token()
    {
        var secret = TestTokens.NewSecret();
        await using var both = CreateApi(new Dictionary<string, string?> { ["Jwt:JwksUrl"] = keyServer.JwksUrl }, secret);
        var legacy = both.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()));
        var asymmetric = both.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingCredentials: ecdsa.Credentials);

        var (legacyStatus, legacyBody) = await GetSessionsAsync(both, legacy);
        var (asymmetricStatus, asymmetricBody) = await GetSessionsAsync(both, asymmetric);

        Assert.Multiple(() =>
        {
            Assert.That(legacyStatus, Is.EqualTo(HttpStatusCode.OK), legacyBody);
            Assert.That(asymmetricStatus, Is.EqualTo(HttpStatusCode.OK), asymmetricBody);
        });
    }

    [Test]
    public async Task Authority_with_a_discovery_document_finds_the_published_keys()
    {
        await using var discovering = CreateApi(new Dictionary<string, string?> { ["Jwt:Secret"] = string.Empty, ["Jwt:Authority"] = keyServer.Issuer });
        using var stranger = TestSigningKey.EcdsaP256();
        var good = discovering.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingCredentials: rsa.Credentials);
        var bad = discovering.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingCredentials: stranger.Credentials);

        var (goodStatus, goodBody) = await GetSessionsAsync(discovering, good);
        var (badStatus, _) = await GetSessionsAsync(discovering, bad);

        Assert.Multiple(() =>
        {
            Assert.That(goodStatus, Is.EqualTo(HttpStatusCode.OK), goodBody);
            Assert.That(badStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task Unreachable_key_set_is_401_not_500()
    {
        // A port nothing listens on: the keys cannot be loaded, so no token can be believed.
        await using var unreachable = CreateApi(new Dictionary<string, string?>
        {
            ["Jwt:Secret"] = string.Empty,
            ["Jwt:JwksUrl"] = "http://127.0.0.1:9/auth/v1/.well-known/jwks.json",
        });
        var token = unreachable.Tokens.Create(TestTokens.UserClaims(Guid.NewGuid()), signingCredentials: rsa.Credentials);

        var (status, body) = await GetSessionsAsync(unreachable, token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), body);
        Assert.That(body, Does.Contain("\"status\":401"), "a problem-details body, not an error page");
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetSessionsAsync(SampleApiFactory host, string token)
    {
        using var client = host.CreateClientWithToken(token);
        using var response = await client.GetAsync("/api/sessions");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private SampleApiFactory CreateApi(Dictionary<string, string?> jwt, string? secret = null)
    {
        jwt["Jwt:Issuer"] = keyServer.Issuer;
        jwt["Jwt:RequireHttpsMetadata"] = "false";
        return new SampleApiFactory(database, secret, jwt);
    }
}
