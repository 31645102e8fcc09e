using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Tests;

public sealed class AuthenticationTests : SampleApiFixture
{
    [Test]
    public async Task Request_without_a_token_is_401_with_a_bearer_challenge_and_problem_details()
    {
        using var client = Api.CreateClient();

        using var response = await client.GetAsync("/api/sessions");

        var problem = await response.ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.WwwAuthenticate.Single().Scheme, Is.EqualTo("Bearer"));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(401));
        });
    }

    [Test]
    public async Task Token_signed_with_another_secret_is_401_invalid_signature()
    {
        var token = Api.Tokens.Create(UserClaims(Guid.NewGuid()), signingSecret: TestTokens.NewSecret());

        var (response, problem) = await GetSessionsAsync(token);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
            Assert.That(problem, Does.Contain("signature"));
        });
    }

    [Test]
    public async Task Expired_token_is_401_and_says_it_expired()
    {
        var token = Api.Tokens.Create(UserClaims(Guid.NewGuid()), expires: DateTime.UtcNow.AddMinutes(-10));

        var (response, problem) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(problem, Does.Contain("expired"));
    }

    [Test]
    public async Task Unsigned_token_is_401()
    {
        // alg "none": a token that signs itself off must never be believed.
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = UserClaims(Guid.NewGuid()),
            Issuer = Api.Tokens.Issuer,
            Audience = "authenticated",
            Expires = DateTime.UtcNow.AddHours(1),
        });

        var (response, _) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("not-a-jwt")]
    [TestCase("a.b.c")]
    public async Task Malformed_token_is_401(string token)
    {
        var (response, _) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Token_for_another_audience_is_401()
    {
        var token = Api.Tokens.Create(UserClaims(Guid.NewGuid()), audience: "some-other-api");

        var (response, problem) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(problem, Does.Contain("audience"));
    }

    [Test]
    public async Task Token_without_an_audience_is_401()
    {
        var token = Api.Tokens.Create(UserClaims(Guid.NewGuid()), audience: null);

        var (response, problem) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(problem, Does.Contain("audience"));
    }

    [Test]
    public async Task Token_from_another_issuer_signed_with_the_secret_is_401()
    {
        // Another Supabase project (or service) sharing the secret: the signature is good, the issuer is not ours.
        var token = Api.Tokens.Create(UserClaims(Guid.NewGuid()), issuer: "https://another-project.supabase.co/auth/v1");

        var (response, problem) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(problem, Does.Contain("issuer"));
    }

    [Test]
    public async Task Token_without_an_issuer_is_401()
    {
        var token = Api.Tokens.Create(UserClaims(Guid.NewGuid()), withIssuer: false);

        var (response, problem) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(problem, Does.Contain("issuer"));
    }

    [Test]
    public async Task Token_with_the_right_issuer_and_audience_is_accepted()
    {
        var token = Api.Tokens.Create(UserClaims(Guid.NewGuid()));

        var (response, body) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
    }

    [Test]
    public async Task Anon_key_without_a_user_id_is_401()
    {
        // Supabase's anon key: signed with the project's secret, role anon, no sub.
        var token = Api.Tokens.Create(new Dictionary<string, object> { ["role"] = "anon" });

        var (response, problem) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(problem, Does.Contain("sub"));
    }

    [TestCase("anon")]
    [TestCase("service_role")]
    public async Task Valid_token_for_a_role_other_than_authenticated_is_403(string role)
    {
        var token = Api.Tokens.Create(new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["role"] = role });

        var (response, _) = await GetSessionsAsync(token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Non_bearer_authorization_is_401()
    {
        using var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "YWxpY2U6c2VjcmV0");

        using var response = await client.GetAsync("/api/sessions");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Unknown_endpoint_needs_a_signed_in_user_too()
    {
        using var client = Api.CreateClient();

        using var response = await client.GetAsync("/api/admin/everything");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private static Dictionary<string, object> UserClaims(Guid userId) => TestTokens.UserClaims(userId);

    private async Task<(HttpResponseMessage Response, string Body)> GetSessionsAsync(string token)
    {
        using var client = Api.CreateClientWithToken(token);
        var response = await client.GetAsync("/api/sessions");
        return (response, await response.Content.ReadAsStringAsync());
    }
}
