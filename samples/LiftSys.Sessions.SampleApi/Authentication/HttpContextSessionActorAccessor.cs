using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.SampleApi.Authentication;

/// <summary>
/// Tells LiftSys.Sessions who is acting: the signed-in user of the current request, else nobody. A singleton (the
/// library's pooled contexts share it), so it reads the request through <see cref="IHttpContextAccessor"/> each time.
/// </summary>
/// <remarks>
/// Only a token for the <c>authenticated</c> role becomes a user. A token for <c>service_role</c> is deliberately not
/// mapped to <see cref="SessionActor.ServiceRole"/>: bypassing row-level security because a request said so is exactly
/// what this sample must not teach. Backend code that needs it uses <see cref="SessionActorScope.BeginServiceRole"/>.
/// </remarks>
internal sealed class HttpContextSessionActorAccessor(IHttpContextAccessor httpContextAccessor) : ISessionActorAccessor
{
    public SessionActor Current
    {
        get
        {
            var user = httpContextAccessor.HttpContext?.User;
            if (user?.Identity is { IsAuthenticated: true }
                && user.HasClaim(SupabaseClaims.Role, SupabaseClaims.AuthenticatedRole)
                && Guid.TryParse(user.FindFirst(SupabaseClaims.Subject)?.Value, out var userId)
                && userId != Guid.Empty)
            {
                return SessionActor.ForUser(userId);
            }

            return SessionActor.Anonymous;
        }
    }
}
