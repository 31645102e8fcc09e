using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>One event of a session's activity timeline, shaped like a row of the schema's <c>recent_activity</c> view.</summary>
/// <param name="Kind">What happened (<c>event_type</c>).</param>
/// <param name="SessionId">The session (<c>session_id</c>).</param>
/// <param name="UserId">The session's owner (<c>user_id</c>).</param>
/// <param name="RevisionId">
/// The revision created, or for a draft or hole resolution the IR revision it belongs to, if any (<c>revision_id</c>).
/// </param>
/// <param name="DraftId">The draft created, for <see cref="SessionActivityKind.DraftCreated"/> (<c>draft_id</c>).</param>
/// <param name="ResolutionId">The hole resolution created, for <see cref="SessionActivityKind.HoleResolved"/> (<c>resolution_id</c>).</param>
/// <param name="EventTime">When it happened: the created row's <c>created_at</c> (<c>event_time</c>).</param>
/// <param name="EventData">
/// A small JSON object (<c>event_data</c>): <c>{"source"}</c> for a session;
/// <c>{"revision_number", "source", "changed_fields"}</c> for a revision;
/// <c>{"draft_number", "source", "language", "syntax_valid", "ast_valid"}</c> for a draft;
/// <c>{"hole_id", "hole_type", "resolution_method", "confidence_score"}</c> for a hole resolution. Enum values are their
/// database texts.
/// </param>
public sealed record SessionActivity(
    SessionActivityKind Kind,
    Guid SessionId,
    Guid UserId,
    Guid? RevisionId,
    Guid? DraftId,
    Guid? ResolutionId,
    DateTimeOffset EventTime,
    JsonElement EventData);
