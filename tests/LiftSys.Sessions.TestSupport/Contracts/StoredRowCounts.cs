namespace LiftSys.Sessions.TestSupport.Contracts;

/// <summary>How many rows a store holds in each table, whoever owns them.</summary>
/// <param name="Sessions">Rows of <c>sessions</c>.</param>
/// <param name="Revisions">Rows of <c>session_revisions</c>.</param>
/// <param name="Drafts">Rows of <c>session_drafts</c>.</param>
/// <param name="HoleResolutions">Rows of <c>hole_resolutions</c>.</param>
public sealed record StoredRowCounts(int Sessions, int Revisions, int Drafts, int HoleResolutions);
