using System.Globalization;
using LiftSys.Sessions.SampleApi.Authentication;

namespace LiftSys.Sessions.SampleApi;

/// <summary>
/// <c>dotnet run -- mint-token &lt;user-id&gt; [minutes]</c>: prints a user access token signed with the configured
/// <c>Jwt:Secret</c> for the configured <c>Jwt:Issuer</c> and <c>Jwt:Audience</c>, and exits, for trying the API
/// locally. It is a command, not an endpoint, on purpose: a sample that served tokens to anyone who asked would be
/// copied into production sooner or later.
/// </summary>
internal static class MintTokenCommand
{
    public const string Name = "mint-token";

    private const int DefaultLifetimeMinutes = 60;

    public static int Run(IReadOnlyList<string> arguments, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        if (arguments.Count is < 1 or > 2 || !Guid.TryParse(arguments[0], out var userId) || userId == Guid.Empty)
        {
            error.WriteLine($"Usage: {Name} <user-id (a UUID)> [lifetime in minutes, default {DefaultLifetimeMinutes}]");
            return 2;
        }

        var minutes = DefaultLifetimeMinutes;
        if (arguments.Count == 2 && (!int.TryParse(arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes is < 1 or > 1440))
        {
            error.WriteLine("The lifetime must be a whole number of minutes between 1 and 1440.");
            return 2;
        }

        var settings = configuration.GetSection(JwtSettings.SectionName).Get<JwtSettings>() ?? new JwtSettings();
        var validation = new JwtSettingsValidator().Validate(null, settings);
        if (validation.Failed)
        {
            error.WriteLine(validation.FailureMessage);
            return 2;
        }

        if (!settings.HasSecret)
        {
            // The asymmetric keys' private halves stay with the issuer (Supabase Auth); only the legacy secret signs here.
            error.WriteLine($"{Name} signs with {JwtSettings.SectionName}:{nameof(JwtSettings.Secret)} (HS256), which is not set.");
            return 2;
        }

        output.WriteLine(new SupabaseTokenIssuer(settings, TimeProvider.System).Issue(userId, TimeSpan.FromMinutes(minutes)));
        return 0;
    }
}
