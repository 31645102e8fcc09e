using System.Text.Json;

namespace LiftSys.Sessions.EfCore.ReadModels;

/// <summary>
/// A row of the <c>recent_activity</c> view: one event of a session's history, made from the row it created. The view
/// holds every event (it is not limited to a time window); filter by <see cref="SessionId"/> or <see cref="UserId"/>
/// and order by <see cref="EventTime"/>. Read through <see cref="SessionsDbContext.RecentActivities"/>.
/// </summary>
/// <remarks>
/// The view is created with <c>security_invoker</c>, so row-level security applies: a signed-in user sees only the
/// events of their own sessions. Events created in one transaction share an <see cref="EventTime"/> (PostgreSQL's
/// <c>now()</c> is the transaction's start).
/// </remarks>
public sealed class RecentActivity
{
    private RecentActivity()
    {
    }

    /// <summary>Gets what happened (<c>event_type</c>).</summary>
    public SessionActivityKind EventType { get; private set; }

    /// <summary>Gets the session (<c>session_id</c>).</summary>
    public Guid SessionId { get; private set; }

    /// <summary>Gets the session's owner (<c>user_id</c>).</summary>
    public Guid UserId { get; private set; }

    /// <summary>
    /// Gets the revision (<c>revision_id</c>): the one created, for <see cref="SessionActivityKind.RevisionCreated"/>; the
    /// IR revision the draft or resolution was made from, if any, for <see cref="SessionActivityKind.DraftCreated"/> and
    /// <see cref="SessionActivityKind.HoleResolved"/>; <see langword="null"/> for
    /// <see cref="SessionActivityKind.SessionCreated"/>.
    /// </summary>
    public Guid? RevisionId { get; private set; }

    /// <summary>Gets the draft created (<c>draft_id</c>), for <see cref="SessionActivityKind.DraftCreated"/> only.</summary>
    public Guid? DraftId { get; private set; }

    /// <summary>Gets the resolution created (<c>resolution_id</c>), for <see cref="SessionActivityKind.HoleResolved"/> only.</summary>
    public Guid? ResolutionId { get; private set; }

    /// <summary>Gets when it happened: the created row's <c>created_at</c> (<c>event_time</c>, UTC).</summary>
    public DateTimeOffset EventTime { get; private set; }

    /// <summary>
    /// Gets a JSON object of event-specific fields (<c>event_data</c>), enum values as their database texts:
    /// <c>{"source"}</c> for a session; <c>{"revision_number", "source", "changed_fields"}</c> for a revision;
    /// <c>{"draft_number", "source", "language", "syntax_valid", "ast_valid"}</c> for a draft;
    /// <c>{"hole_id", "hole_type", "resolution_method", "confidence_score"}</c> for a hole resolution (a missing value is
    /// JSON <c>null</c>).
    /// </summary>
    public JsonElement EventData { get; private set; }
}
