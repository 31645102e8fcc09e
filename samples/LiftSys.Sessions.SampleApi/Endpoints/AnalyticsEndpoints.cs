using LiftSys.Sessions.EfCore;
using LiftSys.Sessions.SampleApi.Authentication;
using LiftSys.Sessions.SampleApi.Contracts;
using LiftSys.Sessions.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.SampleApi.Endpoints;

/// <summary>Analytics read straight from the schema's views through <see cref="SessionsDbContext"/>.</summary>
internal static class AnalyticsEndpoints
{
    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/analytics/me", GetMineAsync)
            .RequireAuthorization(SupabaseJwtDefaults.SignedInUserPolicy)
            .WithTags("Analytics")
            .WithName("GetMyAnalytics");
        return endpoints;
    }

    private static async Task<Ok<UserAnalyticsResponse>> GetMineAsync(
        SessionsDbContext db, ISessionActorAccessor actors, CancellationToken cancellationToken)
    {
        // The policy admits signed-in users only, so the accessor names one.
        var userId = actors.Current.UserId ?? throw new SessionAccessDeniedException(SessionActorKind.Anonymous, "Nobody is signed in.");

        // user_analytics is a security_invoker view: row-level security keeps it to the caller's sessions even without
        // the WHERE; the WHERE lets PostgreSQL aggregate one user's rows only. The transaction (inside the execution
        // strategy, so a transient failure retries it whole) is what ClaimsScope.Transaction requires, and harmless otherwise.
        var row = await db.Database.CreateExecutionStrategy().ExecuteAsync(
            (db, userId),
            static async (_, state, ct) =>
            {
                await using var transaction = await state.db.Database.BeginTransactionAsync(ct);
                var found = await state.db.UserAnalytics.Where(u => u.UserId == state.userId).SingleOrDefaultAsync(ct);
                await transaction.CommitAsync(ct);
                return found;
            },
            verifySucceeded: null,
            cancellationToken);

        return TypedResults.Ok(row is null ? UserAnalyticsResponse.Empty(userId) : UserAnalyticsResponse.From(row));
    }
}
