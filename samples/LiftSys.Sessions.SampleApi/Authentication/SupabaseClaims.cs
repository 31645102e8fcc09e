namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>The claims of a Supabase access token the sample relies on.</summary>
internal static class SupabaseClaims
{
    /// <summary>The user's id, a UUID.</summary>
    public const string Subject = "sub";

    /// <summary>The PostgreSQL role the token stands for: <c>anon</c>, <c>authenticated</c> or <c>service_role</c>.</summary>
    public const string Role = "role";

    /// <summary>The role of a signed-in user, and the audience Supabase issues their tokens for.</summary>
    public const string AuthenticatedRole = "authenticated";
}
