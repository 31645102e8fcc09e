using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>Registers JwtBearer for Supabase access tokens, configured from <see cref="JwtSettings"/>.</summary>
internal static class SupabaseJwtAuthenticationExtensions
{
    /// <summary>
    /// Adds the <see cref="SupabaseJwtDefaults.AuthenticationScheme"/> scheme: JwtBearer with the legacy secret and/or
    /// the published signing keys, issuer and audience always checked; the settings are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddSupabaseJwtAuthentication(this IServiceCollection services)
    {
        services.AddOptions<JwtSettings>()
            .BindConfiguration(JwtSettings.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtSettings>, JwtSettingsValidator>();

        services.AddAuthentication(SupabaseJwtDefaults.AuthenticationScheme)
            .AddJwtBearer(SupabaseJwtDefaults.AuthenticationScheme);
        services.AddOptions<JwtBearerOptions>(SupabaseJwtDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtSettings>>((options, settings) =>
            {
                var jwt = settings.Value;

                // Keep the token's own claim names ("sub", "role"): the actor accessor and the policies read them.
                options.MapInboundClaims = false;
                options.TokenValidationParameters = jwt.CreateValidationParameters();
                options.Authority = jwt.Authority;
                options.MetadataAddress = jwt.MetadataAddress ?? string.Empty;
                options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
                options.Events = new SupabaseJwtBearerEvents();
                if (jwt.HasJwks)
                {
                    options.ConfigurationManager = CreateKeySetManager(jwt, options);
                }
            });
        return services;
    }

    // JwtBearer builds a configuration manager only for a discovery document; a bare key set gets one of its own,
    // cached and refreshed the same way (and again when a token names a key id it does not know: a rotation).
    private static ConfigurationManager<OpenIdConnectConfiguration> CreateKeySetManager(JwtSettings jwt, JwtBearerOptions options)
    {
        var backchannel = new HttpClient(options.BackchannelHttpHandler ?? new HttpClientHandler())
        {
            Timeout = options.BackchannelTimeout,
            MaxResponseContentBufferSize = 1024 * 1024,
        };
        return new ConfigurationManager<OpenIdConnectConfiguration>(
            jwt.JwksUrl!,
            new JwksConfigurationRetriever(jwt.Issuer!),
            new HttpDocumentRetriever(backchannel) { RequireHttps = jwt.RequireHttpsMetadata })
        {
            AutomaticRefreshInterval = options.AutomaticRefreshInterval,
            RefreshInterval = options.RefreshInterval,
        };
    }
}
