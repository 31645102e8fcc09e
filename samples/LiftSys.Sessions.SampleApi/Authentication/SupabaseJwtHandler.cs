using System.Security.Claims;
using System.Text.Encodings.Web;
using LiftSys.Sessions.SampleApi.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;jwt&gt;</c> with a Supabase-style HS256 access token (JwtBearer cannot be
/// restored here, so this is the small part of it the sample needs). A valid token becomes a principal whose claims are
/// the token's own (<c>sub</c>, <c>role</c>, …); anything else gets a 401 with a ProblemDetails body.
/// </summary>
internal sealed class SupabaseJwtHandler(IOptionsMonitor<SupabaseJwtOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<SupabaseJwtOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    // Thread-safe for validation, and keeps its caches (keys, algorithms) between requests.
    private static readonly JsonWebTokenHandler Tokens = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization;
        if (authorization.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (authorization.Count > 1)
        {
            return AuthenticateResult.Fail("More than one Authorization header was sent.");
        }

        var value = authorization[0] ?? string.Empty;
        if (!value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header does not carry a Bearer token.");
        }

        var token = value[BearerPrefix.Length..].Trim();
        if (token.Length == 0)
        {
            return AuthenticateResult.Fail("The Bearer token is empty.");
        }

        var parameters = Options.TokenValidationParameters
            ?? throw new InvalidOperationException($"{nameof(SupabaseJwtOptions)}.{nameof(SupabaseJwtOptions.TokenValidationParameters)} is not configured.");
        var result = await Tokens.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            // The reason class only: the exception's message can quote the token's claims.
            return AuthenticateResult.Fail(Describe(result.Exception));
        }

        var subject = result.ClaimsIdentity.FindFirst(SupabaseClaims.Subject)?.Value;
        if (!Guid.TryParse(subject, out var userId) || userId == Guid.Empty)
        {
            // Supabase's anon and service_role keys are signed with the same secret but name no user.
            return AuthenticateResult.Fail("The token names no user: its 'sub' is not a UUID.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(result.ClaimsIdentity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var authenticate = await HandleAuthenticateOnceSafeAsync();
        var reason = authenticate.Failure?.Message;

        // RFC 6750 §3: error="invalid_token" only when a token was presented and rejected.
        Response.Headers.WWWAuthenticate = reason is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{reason}\"";
        await SessionProblems.WriteAsync(Context, SessionProblems.Unauthorized(reason));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        SessionProblems.WriteAsync(Context, SessionProblems.Forbidden());

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry ('exp').",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The token's signature is invalid.",
        SecurityTokenInvalidAlgorithmException => "The token is not signed with HS256.",
        SecurityTokenInvalidAudienceException => "The token's audience ('aud') is not accepted.",
        SecurityTokenInvalidIssuerException => "The token's issuer ('iss') is not accepted.",
        SecurityTokenMalformedException => "The token is not a well-formed JWT.",
        _ => "The token is invalid.",
    };
}
