using System.Text.Json.Serialization;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>
/// <c>GET /api/sessions/{id}</c>: the session's columns (so <c>session_id</c> is at the top level, as clients of the
/// spec expect) with its latest revision and latest draft, all read at one moment.
/// </summary>
internal sealed record SessionSnapshotResponse : SessionResponse
{
    private SessionSnapshotResponse(SessionResponse session, RevisionResponse? latestRevision, DraftResponse? latestDraft)
        : base(session)
    {
        LatestRevision = latestRevision;
        LatestDraft = latestDraft;
    }

    [JsonPropertyOrder(1)]
    public RevisionResponse? LatestRevision { get; }

    [JsonPropertyOrder(1)]
    public DraftResponse? LatestDraft { get; }

    public static SessionSnapshotResponse From(SessionSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(
            SessionResponse.From(snapshot.Session),
            snapshot.LatestRevision is { } revision ? RevisionResponse.From(revision) : null,
            snapshot.LatestDraft is { } draft ? DraftResponse.From(draft) : null);
    }
}
