namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>Names used by the sample's authentication.</summary>
internal static class SupabaseJwtDefaults
{
    /// <summary>The authentication scheme that reads <c>Authorization: Bearer …</c>.</summary>
    public const string AuthenticationScheme = "SupabaseJwt";

    /// <summary>The authorization policy of the session endpoints: a signed-in user (role <c>authenticated</c>) with a user id.</summary>
    public const string SignedInUserPolicy = "SignedInUser";
}
