using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>
/// How the sample validates (and, for <c>mint-token</c>, signs) Supabase-style access tokens: HS256 with the project's
/// JWT secret. Bound from the configuration section <see cref="SectionName"/>.
/// </summary>
internal sealed class JwtSettings
{
    public const string SectionName = "Jwt";

    /// <summary>HS256 keys shorter than the hash (32 bytes) are refused: they are guessable offline from one token.</summary>
    public const int MinimumSecretBytes = 32;

    /// <summary>Gets or sets the shared secret (Supabase: Project Settings → API → JWT secret), used as its UTF-8 bytes.</summary>
    public string? Secret { get; set; }

    /// <summary>Gets or sets the expected <c>iss</c> (Supabase: <c>https://&lt;project&gt;.supabase.co/auth/v1</c>); not checked when empty.</summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the expected <c>aud</c>; Supabase issues user tokens for <c>authenticated</c>. Not checked when empty.</summary>
    public string? Audience { get; set; } = SupabaseClaims.AuthenticatedRole;

    /// <summary>Gets or sets how far the clocks of the issuer and this host may disagree when checking <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public SymmetricSecurityKey CreateSigningKey() =>
        new(Encoding.UTF8.GetBytes(Secret ?? throw new InvalidOperationException($"{SectionName}:{nameof(Secret)} is not set.")));

    public TokenValidationParameters CreateValidationParameters() => new()
    {
        IssuerSigningKey = CreateSigningKey(),
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,

        // Only HS256: a token may not pick a weaker algorithm, or "none", for itself.
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = ClockSkew,
        ValidateIssuer = !string.IsNullOrEmpty(Issuer),
        ValidIssuer = Issuer,
        ValidateAudience = !string.IsNullOrEmpty(Audience),
        ValidAudience = Audience,
        NameClaimType = SupabaseClaims.Subject,
        RoleClaimType = SupabaseClaims.Role,
    };
}
