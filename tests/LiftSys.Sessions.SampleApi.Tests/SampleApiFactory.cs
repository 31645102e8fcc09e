using System.Net.Http.Headers;
using LiftSys.Sessions.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>
/// The sample API in memory, configured as a deployment would be: the application's NOINHERIT login (never the owner),
/// a random JWT secret, a Supabase-shaped issuer, and the Production environment.
/// </summary>
public sealed class SampleApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? configureServices;

    /// <summary>Initializes a new instance for a migrated database.</summary>
    /// <param name="database">The database; the host connects with the server's application login.</param>
    /// <param name="secret">The JWT secret; a new random one when <see langword="null"/>.</param>
    /// <param name="settings">More configuration, overriding the defaults above.</param>
    /// <param name="configureServices">Changes to the host's services after its own (an in-memory exporter, say).</param>
    public SampleApiFactory(
        TestDatabase database,
        string? secret = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var issuer = settings?.GetValueOrDefault("Jwt:Issuer") ?? TestTokens.DefaultIssuer;
        Tokens = new TestTokens(secret ?? TestTokens.NewSecret(), issuer);
        this.configureServices = configureServices;
        this.settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["LiftSysSessions:ConnectionString"] = database.Server.AppConnectionString(database.Name),
            ["Jwt:Secret"] = Tokens.Secret,
            ["Jwt:Issuer"] = issuer,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            this.settings[key] = value;
        }
    }

    /// <summary>Gets the tokens this host accepts.</summary>
    public TestTokens Tokens { get; }

    /// <summary>Creates a client that sends a valid token for <paramref name="userId"/>.</summary>
    public HttpClient CreateClientFor(Guid userId) => CreateClientWithToken(Tokens.ForUser(userId));

    /// <summary>Creates a client that sends <paramref name="token"/> as its Bearer token.</summary>
    public HttpClient CreateClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.UseDefaultServiceProvider(options =>
        {
            options.ValidateScopes = true;
            options.ValidateOnBuild = true;
        });
        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }
}
