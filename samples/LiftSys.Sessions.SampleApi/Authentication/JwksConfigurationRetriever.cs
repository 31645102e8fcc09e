using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>
/// Reads a bare JSON Web Key Set (Supabase's <c>/auth/v1/.well-known/jwks.json</c>) as the configuration JwtBearer's
/// <see cref="ConfigurationManager{T}"/> caches and refreshes — JwtBearer itself only reads OpenID Connect discovery
/// documents, which name the key set instead of being it.
/// </summary>
internal sealed class JwksConfigurationRetriever(string issuer) : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        var document = await retriever.GetDocumentAsync(address, cancel);
        var keys = new JsonWebKeySet(document);

        // JwtBearer adds the configuration's issuer to the accepted ones: make it the configured issuer, never null.
        var configuration = new OpenIdConnectConfiguration { Issuer = issuer, JwksUri = address, JsonWebKeySet = keys };
        foreach (var key in keys.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }
}
