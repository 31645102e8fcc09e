using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>
/// How the sample validates (and, for <c>mint-token</c>, signs) Supabase access tokens. Bound from the configuration
/// section <see cref="SectionName"/> and checked by <see cref="JwtSettingsValidator"/> when the host starts.
/// </summary>
/// <remarks>
/// Two kinds of key, alone or together (Supabase keeps both valid while a project migrates): the legacy shared secret
/// (HS256, <see cref="Secret"/>) and the asymmetric signing keys Supabase publishes as a JSON Web Key Set (RS256/ES256,
/// <see cref="JwksUrl"/>, or any OpenID Connect issuer's discovery document through <see cref="Authority"/> /
/// <see cref="MetadataAddress"/>). Issuer and audience are always checked; there is no setting that turns them off.
/// </remarks>
internal sealed class JwtSettings
{
    public const string SectionName = "Jwt";

    /// <summary>HS256 keys shorter than the hash (32 bytes) are refused: they are guessable offline from one token.</summary>
    public const int MinimumSecretBytes = 32;

    /// <summary>Gets or sets the legacy shared secret (Supabase: Project Settings → JWT Keys → Legacy JWT secret), used as its UTF-8 bytes.</summary>
    public string? Secret { get; set; }

    /// <summary>Gets or sets the JSON Web Key Set of the asymmetric signing keys (Supabase: <c>https://&lt;project&gt;.supabase.co/auth/v1/.well-known/jwks.json</c>).</summary>
    public string? JwksUrl { get; set; }

    /// <summary>Gets or sets an OpenID Connect issuer whose discovery document (<c>{Authority}/.well-known/openid-configuration</c>) names the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>Gets or sets the address of the discovery document when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Gets or sets whether the key set must be fetched over HTTPS. Only a loopback address may turn it off (a local issuer).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Gets or sets the required <c>iss</c> (Supabase: <c>https://&lt;project&gt;.supabase.co/auth/v1</c>).</summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the required <c>aud</c>; Supabase issues user tokens for <c>authenticated</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>Gets or sets how far the clocks of the issuer and this host may disagree when checking <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool HasSecret => !string.IsNullOrEmpty(Secret);

    public bool HasDiscovery => !string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(MetadataAddress);

    public bool HasJwks => !string.IsNullOrEmpty(JwksUrl);

    /// <summary>Gets the algorithms a token may be signed with: HS256 only with a secret, RS256/ES256 only with published keys.</summary>
    public IReadOnlyList<string> AcceptedAlgorithms =>
    [
        .. HasSecret ? [SecurityAlgorithms.HmacSha256] : Array.Empty<string>(),
        .. HasJwks || HasDiscovery ? [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256] : Array.Empty<string>(),
    ];

    public SymmetricSecurityKey CreateSigningKey() =>
        new(Encoding.UTF8.GetBytes(Secret ?? throw new InvalidOperationException($"{SectionName}:{nameof(Secret)} is not set.")));

    public TokenValidationParameters CreateValidationParameters() => new()
    {
        // The published keys are added by JwtBearer from its configuration manager, beside this one.
        IssuerSigningKey = HasSecret ? CreateSigningKey() : null,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,

        // A token may not pick a weaker algorithm, "none", or HS256 keyed with a public key, for itself.
        ValidAlgorithms = AcceptedAlgorithms,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = ClockSkew,
        ValidateIssuer = true,
        ValidIssuer = Issuer,
        ValidateAudience = true,
        ValidAudience = Audience,
        NameClaimType = SupabaseClaims.Subject,
        RoleClaimType = SupabaseClaims.Role,
    };
}
