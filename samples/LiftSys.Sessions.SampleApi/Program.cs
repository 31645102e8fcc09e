using System.Text.Json;
using System.Text.Json.Serialization;
using LiftSys.Sessions.EfCore;
using LiftSys.Sessions.SampleApi;
using LiftSys.Sessions.SampleApi.Authentication;
using LiftSys.Sessions.SampleApi.Endpoints;
using LiftSys.Sessions.SampleApi.Problems;
using LiftSys.Sessions.SampleApi.Telemetry;
using Microsoft.AspNetCore.Authorization;

// `mint-token <user-id> [minutes]` prints a token and exits; everything after it is read as configuration overrides.
var minting = args.Length > 0 && args[0] == MintTokenCommand.Name;
var positional = minting ? args.Skip(1).TakeWhile(a => !a.StartsWith('-')).ToArray() : [];
var builder = WebApplication.CreateBuilder(minting ? args[(1 + positional.Length)..] : args);
if (minting)
{
    return MintTokenCommand.Run(positional, builder.Configuration, Console.Out, Console.Error);
}

// LiftSys.Sessions: options from the "LiftSysSessions" section, validated on start; the current user from the request.
builder.Services.AddHttpContextAccessor();
builder.Services.AddLiftSysSessions(builder.Configuration)
    .UseActorAccessor<HttpContextSessionActorAccessor>();
builder.Services.AddHealthChecks().AddLiftSysSessions();

// Supabase access tokens through JwtBearer: the legacy HS256 secret and/or the project's published signing keys
// (RS256/ES256, fetched from its JWKS), issuer and audience always checked; the settings are validated on start.
builder.Services.AddSupabaseJwtAuthentication();

// A signed-in user: a valid token whose role is "authenticated". Also the fallback policy, so an endpoint added later
// without saying otherwise is protected too (secure by default); /health and /metrics opt out with AllowAnonymous.
var signedInUser = new AuthorizationPolicyBuilder(SupabaseJwtDefaults.AuthenticationScheme)
    .RequireAuthenticatedUser()
    .RequireClaim(SupabaseClaims.Subject)
    .RequireClaim(SupabaseClaims.Role, SupabaseClaims.AuthenticatedRole)
    .Build();
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(SupabaseJwtDefaults.SignedInUserPolicy, signedInUser)
    .SetFallbackPolicy(signedInUser);

// JSON as the database spells it: snake_case names and enum values ("user_edit", "return_value").
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
});

// Errors as RFC 9457 problem details; a malformed body throws (instead of a bare 400) so it gets one too.
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<SessionsExceptionHandler>();
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

// Traces and metrics: ASP.NET Core's, the library's (LiftSys.Sessions) and Npgsql's; exporter from "Telemetry".
builder.AddSampleTelemetry();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealthEndpoints();
app.MapSampleTelemetry();
app.MapSessionEndpoints();
app.MapAnalyticsEndpoints();

// The owner's connection (LiftSysSessions:MigrationConnectionString) applies the migrations; the app's login never could.
if (app.Configuration.GetValue<bool>("MigrateOnStartup"))
{
    await app.Services.MigrateLiftSysSessionsAsync();
}

await app.RunAsync();
return 0;

/// <summary>The sample API's entry point; public so that integration tests can start it with <c>WebApplicationFactory</c>.</summary>
public partial class Program;
