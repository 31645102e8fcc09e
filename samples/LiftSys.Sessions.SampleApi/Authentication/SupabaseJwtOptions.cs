using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>Options of <see cref="SupabaseJwtHandler"/>; configured from <see cref="JwtSettings"/> at start-up.</summary>
internal sealed class SupabaseJwtOptions : AuthenticationSchemeOptions
{
    public TokenValidationParameters? TokenValidationParameters { get; set; }
}
