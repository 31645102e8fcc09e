using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>
/// Signs access tokens shaped like Supabase Auth's, independently of the sample's own minting code, so that the tests
/// check the API against what a real issuer sends.
/// </summary>
public sealed class TestTokens(string secret, string issuer = TestTokens.DefaultIssuer)
{
    /// <summary>The issuer the test hosts expect unless told otherwise, shaped like a Supabase project's.</summary>
    public const string DefaultIssuer = "https://liftsys-test.supabase.co/auth/v1";

    /// <summary>Gets a fresh random secret of 32 bytes (64 hex characters), one per host.</summary>
    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public string Secret { get; } = secret;

    public string Issuer { get; } = issuer;

    /// <summary>A valid HS256 token of a signed-in user.</summary>
    public string ForUser(Guid userId) => Create(UserClaims(userId));

    /// <summary>The claims of a signed-in user's token.</summary>
    public static Dictionary<string, object> UserClaims(Guid userId) =>
        new() { ["sub"] = userId.ToString(), ["role"] = "authenticated" };

    /// <summary>
    /// A token with the given claims, this host's issuer and audience <c>authenticated</c>, valid from now for an hour,
    /// signed with the secret (HS256) — unless told otherwise. <paramref name="withIssuer"/> false leaves out <c>iss</c>.
    /// </summary>
    public string Create(
        IDictionary<string, object> claims,
        DateTime? expires = null,
        string? signingSecret = null,
        string? audience = "authenticated",
        string algorithm = SecurityAlgorithms.HmacSha256,
        string? issuer = null,
        bool withIssuer = true,
        SigningCredentials? signingCredentials = null)
    {
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddHours(1);
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            Issuer = withIssuer ? issuer ?? Issuer : null,
            Audience = audience,
            IssuedAt = expiry < now ? expiry.AddHours(-1) : now,
            NotBefore = expiry < now ? expiry.AddHours(-1) : now,
            Expires = expiry,
            SigningCredentials = signingCredentials
                ?? new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingSecret ?? Secret)), algorithm),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
