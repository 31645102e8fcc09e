using LiftSys.Sessions.SampleApi.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>
/// What JwtBearer does beyond validating the token: a token must name a user (<c>sub</c> a UUID), and every refusal is a
/// problem-details body with the reason class — never the validator's message, which can quote the token's claims.
/// </summary>
internal sealed class SupabaseJwtBearerEvents : JwtBearerEvents
{
    public const string NoUserReason = "The token names no user: its 'sub' is not a UUID.";

    public override Task TokenValidated(TokenValidatedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Supabase's anon and service_role keys are signed with the same keys but name no user.
        var subject = context.Principal?.FindFirst(SupabaseClaims.Subject)?.Value;
        if (!Guid.TryParse(subject, out var userId) || userId == Guid.Empty)
        {
            context.Fail(NoUserReason);
        }

        return Task.CompletedTask;
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.HandleResponse();
        var reason = context.AuthenticateFailure is { } failure ? Describe(failure) : null;

        // RFC 6750 §3: error="invalid_token" only when a token was presented and rejected.
        context.Response.Headers.WWWAuthenticate = reason is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{reason}\"";
        await SessionProblems.WriteAsync(context.HttpContext, SessionProblems.Unauthorized(reason));
    }

    public override Task Forbidden(ForbiddenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SessionProblems.WriteAsync(context.HttpContext, SessionProblems.Forbidden());
    }

    private static string Describe(Exception exception) => exception switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry ('exp').",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The token's signature is invalid.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm ('alg') is not accepted.",
        SecurityTokenInvalidAudienceException => "The token's audience ('aud') is not accepted.",
        SecurityTokenInvalidIssuerException => "The token's issuer ('iss') is not accepted.",
        SecurityTokenMalformedException => "The token is not a well-formed JWT.",

        // Raised by TokenValidated above with one of this class's own fixed reasons.
        AuthenticationFailureException { Message: NoUserReason } => NoUserReason,
        _ => "The token is invalid.",
    };
}
