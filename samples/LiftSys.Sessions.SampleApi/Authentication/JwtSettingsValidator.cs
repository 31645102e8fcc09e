using System.Text;
using Microsoft.Extensions.Options;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>Refuses to start without a usable JWT secret, naming the setting but never echoing its value.</summary>
internal sealed class JwtSettingsValidator : IValidateOptions<JwtSettings>
{
    public ValidateOptionsResult Validate(string? name, JwtSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Secret))
        {
            failures.Add($"{JwtSettings.SectionName}:{nameof(JwtSettings.Secret)} is required: the HS256 secret that signs the access tokens.");
        }
        else if (Encoding.UTF8.GetByteCount(options.Secret) < JwtSettings.MinimumSecretBytes)
        {
            failures.Add($"{JwtSettings.SectionName}:{nameof(JwtSettings.Secret)} must be at least {JwtSettings.MinimumSecretBytes} bytes long.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{JwtSettings.SectionName}:{nameof(JwtSettings.ClockSkew)} must be between 0 and 5 minutes; it was {options.ClockSkew}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
