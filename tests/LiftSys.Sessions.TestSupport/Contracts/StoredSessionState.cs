using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.TestSupport.Contracts;

/// <summary>
/// What a contract test compares before and after an operation that must write nothing: the row counts of the whole
/// store and one session's columns as the service role reads them (JSON as its raw text, which a store that changed
/// nothing returns unchanged).
/// </summary>
/// <param name="Counts">The row counts of every table.</param>
/// <param name="UpdatedAt">The session's <c>updated_at</c>, or <see langword="null"/> when it does not exist.</param>
/// <param name="Status">The session's status.</param>
/// <param name="FinalizedAt">The session's <c>finalized_at</c>.</param>
/// <param name="CurrentIr">The session's <c>current_ir</c>.</param>
/// <param name="CurrentCode">The session's <c>current_code</c>.</param>
/// <param name="Metadata">The session's <c>metadata</c>.</param>
/// <param name="Counters">The session's revision, draft and hole counters.</param>
public sealed record StoredSessionState(
    StoredRowCounts Counts,
    DateTimeOffset? UpdatedAt,
    SessionStatus? Status,
    DateTimeOffset? FinalizedAt,
    string? CurrentIr,
    string? CurrentCode,
    string? Metadata,
    (int Revisions, int Drafts, int Holes)? Counters)
{
    /// <summary>Reads one session's columns through <paramref name="store"/> as the service role, whoever is acting.</summary>
    /// <param name="store">The store.</param>
    /// <param name="counts">The row counts of every table, read behind the store's API.</param>
    /// <param name="sessionId">The session.</param>
    /// <returns>The state.</returns>
    public static async Task<StoredSessionState> ReadAsync(ISessionStore store, StoredRowCounts counts, Guid sessionId)
    {
        ArgumentNullException.ThrowIfNull(store);
        using (SessionActorScope.BeginServiceRole("contract test: read the stored state behind the acting user's back"))
        {
            var session = (await store.GetAsync(sessionId))?.Session;
            return new StoredSessionState(
                counts,
                session?.UpdatedAt,
                session?.Status,
                session?.FinalizedAt,
                session?.CurrentIr?.GetRawText(),
                session?.CurrentCode,
                session?.Metadata?.GetRawText(),
                session is null ? null : (session.RevisionCount, session.DraftCount, session.HoleCount));
        }
    }
}
