using System.Net;
using System.Text;
using Microsoft.Extensions.Options;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>
/// Refuses to start with token settings that would accept tokens it should not: no issuer or audience to check, no key,
/// a short secret, a key set fetched over plain HTTP from another machine. Names the setting, never echoes a secret.
/// </summary>
internal sealed class JwtSettingsValidator : IValidateOptions<JwtSettings>
{
    private const string Section = JwtSettings.SectionName;

    public ValidateOptionsResult Validate(string? name, JwtSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add($"{Section}:{nameof(JwtSettings.Issuer)} is required: every token must carry this 'iss' (Supabase: https://<project-ref>.supabase.co/auth/v1), " +
                "so that a token signed with the same key for another project or service is refused.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{Section}:{nameof(JwtSettings.Audience)} is required: every token must carry this 'aud' (Supabase issues user tokens for 'authenticated').");
        }

        if (!options.HasSecret && !options.HasJwks && !options.HasDiscovery)
        {
            failures.Add($"No signing key is configured: set {Section}:{nameof(JwtSettings.JwksUrl)} (Supabase's signing keys, RS256/ES256), " +
                $"{Section}:{nameof(JwtSettings.Authority)} or {Section}:{nameof(JwtSettings.MetadataAddress)} (an OpenID Connect issuer), " +
                $"and/or {Section}:{nameof(JwtSettings.Secret)} (the legacy HS256 secret).");
        }

        if (options.HasSecret && Encoding.UTF8.GetByteCount(options.Secret!) < JwtSettings.MinimumSecretBytes)
        {
            failures.Add($"{Section}:{nameof(JwtSettings.Secret)} must be at least {JwtSettings.MinimumSecretBytes} bytes long.");
        }

        if (options.HasJwks && options.HasDiscovery)
        {
            failures.Add($"{Section}:{nameof(JwtSettings.JwksUrl)} and {Section}:{nameof(JwtSettings.Authority)}/{nameof(JwtSettings.MetadataAddress)} " +
                "both name where the signing keys come from; set one.");
        }

        CheckAddress(nameof(JwtSettings.JwksUrl), options.JwksUrl, options.RequireHttpsMetadata, failures);
        CheckAddress(nameof(JwtSettings.Authority), options.Authority, options.RequireHttpsMetadata, failures);
        CheckAddress(nameof(JwtSettings.MetadataAddress), options.MetadataAddress, options.RequireHttpsMetadata, failures);

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Section}:{nameof(JwtSettings.ClockSkew)} must be between 0 and 5 minutes; it was {options.ClockSkew}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Keys fetched over plain HTTP can be swapped by anyone on the path, and with them every user's identity; only a
    // key server on this machine (a local Supabase, a test) may be reached without TLS.
    private static void CheckAddress(string setting, string? value, bool requireHttps, List<string> failures)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{Section}:{setting} must be an absolute http(s) URL.");
            return;
        }

        if (uri.Scheme == Uri.UriSchemeHttp && requireHttps)
        {
            failures.Add($"{Section}:{setting} must use https (set {Section}:{nameof(JwtSettings.RequireHttpsMetadata)}=false only for an issuer on this machine).");
        }

        if (!requireHttps && !IsLoopback(uri))
        {
            failures.Add($"{Section}:{nameof(JwtSettings.RequireHttpsMetadata)}=false is only allowed for a loopback address; {Section}:{setting} names {uri.Host}.");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
