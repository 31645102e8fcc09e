using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>
/// Signs access tokens shaped like Supabase Auth's, independently of the sample's own minting code, so that the tests
/// check the API against what a real issuer sends.
/// </summary>
public sealed class TestTokens(string secret)
{
    /// <summary>Gets a fresh random secret of 32 bytes (64 hex characters), one per host.</summary>
    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public string Secret { get; } = secret;

    /// <summary>A valid token of a signed-in user.</summary>
    public string ForUser(Guid userId) => Create(new Dictionary<string, object> { ["sub"] = userId.ToString(), ["role"] = "authenticated" });

    /// <summary>A token with the given claims, audience <c>authenticated</c>, valid from now for an hour unless told otherwise.</summary>
    public string Create(
        IDictionary<string, object> claims,
        DateTime? expires = null,
        string? signingSecret = null,
        string? audience = "authenticated",
        string algorithm = SecurityAlgorithms.HmacSha256)
    {
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddHours(1);
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            Audience = audience,
            IssuedAt = expiry < now ? expiry.AddHours(-1) : now,
            NotBefore = expiry < now ? expiry.AddHours(-1) : now,
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingSecret ?? Secret)), algorithm),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
