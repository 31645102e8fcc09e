using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>
/// Signs Supabase-style user access tokens with the configured secret, for <c>mint-token</c> only: the sample serves no
/// endpoint that hands out tokens, because whoever holds the secret can sign tokens for any user anyway.
/// </summary>
internal sealed class SupabaseTokenIssuer(JwtSettings settings, TimeProvider clock)
{
    public string Issue(Guid userId, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [SupabaseClaims.Subject] = userId.ToString("D", CultureInfo.InvariantCulture),
                [SupabaseClaims.Role] = SupabaseClaims.AuthenticatedRole,
            },
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(settings.CreateSigningKey(), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
