using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.EfCore.ReadModels;

/// <summary>
/// The "Common Queries" of schema v1 over a <see cref="SessionsDbContext"/>. Nothing they return is tracked. Row-level
/// security applies to them as to any query: as a signed-in user they see only that user's rows.
/// </summary>
public static class SessionsDbContextQueryExtensions
{
    /// <summary>
    /// Queries a user's active sessions, most recently changed first (served by <c>idx_sessions_user_status</c>).
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="userId">The sessions' owner.</param>
    /// <returns>
    /// An ordered, untracked query of the sessions whose status is <see cref="SessionStatus.Active"/>, so that further
    /// operators (paging with <c>Skip</c>/<c>Take</c>) can be chained.
    /// </returns>
    public static IQueryable<Session> QueryActiveSessions(this SessionsDbContext context, Guid userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Sessions
            .AsNoTracking()
            .Where(s => s.UserId == userId && s.Status == SessionStatus.Active)
            .OrderByDescending(s => s.UpdatedAt)
            .ThenBy(s => s.Id);
    }

    /// <summary>
    /// Loads a session with its latest revision and its latest draft in one round trip (the latest rows come from
    /// <c>idx_revisions_session_revision</c> and <c>idx_drafts_session_draft</c>).
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The session with its latest revision and draft, or <see langword="null"/> when there is no such session.</returns>
    public static Task<SessionWithLatest?> FindSessionWithLatestAsync(
        this SessionsDbContext context,
        Guid sessionId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Sessions
            .AsNoTracking()
            .Where(s => s.Id == sessionId)
            .Select(s => new SessionWithLatest(
                s,
                // Correlated on the parameter, not on s.Id: EF then filters before it numbers rows, instead of numbering
                // every revision and draft of every session (ROW_NUMBER over the whole table) and joining the first.
                context.Revisions.Where(r => r.SessionId == sessionId).OrderByDescending(r => r.RevisionNumber).FirstOrDefault(),
                context.Drafts.Where(d => d.SessionId == sessionId).OrderByDescending(d => d.DraftNumber).FirstOrDefault()))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Queries a session's activity timeline from <c>recent_activity</c>, oldest event first. Events written in one
    /// transaction share a time; among them the session comes first, then revisions, drafts and resolutions, and events
    /// of one kind follow the created rows' ids, so the order is stable from one query to the next.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="sessionId">The session.</param>
    /// <returns>An ordered query of the session's events, so that further operators can be chained.</returns>
    public static IQueryable<RecentActivity> QueryActivityTimeline(this SessionsDbContext context, Guid sessionId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RecentActivities
            .Where(a => a.SessionId == sessionId)
            .OrderBy(a => a.EventTime)
            .ThenBy(a => a.EventType == SessionActivityKind.SessionCreated ? 0
                : a.EventType == SessionActivityKind.RevisionCreated ? 1
                : a.EventType == SessionActivityKind.DraftCreated ? 2
                : 3)
            .ThenBy(a => a.DraftId ?? a.ResolutionId ?? a.RevisionId);
    }

    /// <summary>Reads a user's LLM cost, token usage and number of sessions from <c>user_analytics</c>.</summary>
    /// <param name="context">The context.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The user's totals; all 0 for a user without sessions (who has no row in the view).</returns>
    public static async Task<UserUsage> GetUsageAsync(
        this SessionsDbContext context,
        Guid userId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var usage = await context.UserAnalytics
            .Where(u => u.UserId == userId)
            .Select(u => new UserUsage(u.TotalLlmCostUsd, u.TotalLlmTokensUsed, u.TotalSessions))
            .SingleOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        return usage ?? new UserUsage(0m, 0, 0);
    }

    /// <summary>
    /// Computes a user's validation success rate from <c>draft_validation_stats</c>: the spec's
    /// <c>AVG(fully_valid_percent)</c> and <c>SUM(total_drafts)</c>, in one aggregate query.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rate; its average is <see langword="null"/> and its counts 0 when the user has no draft.</returns>
    public static async Task<ValidationSuccessRate> GetValidationSuccessRateAsync(
        this SessionsDbContext context,
        Guid userId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);

        // GroupBy a constant turns the three aggregates into one SELECT without GROUP BY; with no rows it returns none.
        var totals = await context.DraftValidationStats
            .Where(d => d.UserId == userId)
            .GroupBy(d => 1)
            .Select(g => new
            {
                Average = g.Average(d => d.FullyValidPercent),
                Attempts = g.Sum(d => d.TotalDrafts),
                FullyValid = g.Sum(d => d.FullyValidCount),
            })
            .SingleOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        if (totals is null)
        {
            return new ValidationSuccessRate(null, 0, 0);
        }

        // Rounded here as PostgreSQL's round(numeric, 2) would: halves away from zero.
        var average = totals.Average is { } value ? Math.Round(value, 2, MidpointRounding.AwayFromZero) : (decimal?)null;
        return new ValidationSuccessRate(average, totals.Attempts, totals.FullyValid);
    }
}
