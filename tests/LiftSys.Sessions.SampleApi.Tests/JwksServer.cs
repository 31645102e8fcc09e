using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>
/// A stand-in for a Supabase project's Auth server, on a free port of 127.0.0.1: it serves the project's JSON Web Key
/// Set at <c>/auth/v1/.well-known/jwks.json</c> and an OpenID Connect discovery document that names it, so the sample
/// fetches its keys over real HTTP as it would in production.
/// </summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private volatile JsonArray published = [];
    private int keySetRequests;

    private JwksServer(WebApplication app) => this.app = app;

    /// <summary>Gets the issuer of the tokens this server stands for: <c>http://127.0.0.1:PORT/auth/v1</c>.</summary>
    public string Issuer { get; private set; } = string.Empty;

    /// <summary>Gets the address of the key set.</summary>
    public string JwksUrl => $"{Issuer}/.well-known/jwks.json";

    /// <summary>Gets how many times the key set was fetched.</summary>
    public int KeySetRequests => Volatile.Read(ref keySetRequests);

    public static async Task<JwksServer> StartAsync(params TestSigningKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new JwksServer(builder.Build());
        server.Publish(keys);
        server.app.MapGet("/auth/v1/.well-known/jwks.json", () =>
        {
            Interlocked.Increment(ref server.keySetRequests);
            return Results.Text(new JsonObject { ["keys"] = server.published.DeepClone() }.ToJsonString(), "application/json");
        });
        server.app.MapGet("/auth/v1/.well-known/openid-configuration", () => Results.Text(
            new JsonObject { ["issuer"] = server.Issuer, ["jwks_uri"] = server.JwksUrl }.ToJsonString(), "application/json"));
        await server.app.StartAsync();
        var address = server.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Issuer = $"{address.TrimEnd('/')}/auth/v1";
        return server;
    }

    /// <summary>Replaces the published keys (a key rotation).</summary>
    public void Publish(params TestSigningKey[] keys) => published = [.. keys.Select(k => (JsonNode)k.PublicJwk.DeepClone())];

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
