namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>What <c>GetAsync</c> returns, read by hand.</summary>
internal sealed record RawSnapshot(RawSession Session, RawRevision? LatestRevision, RawDraft? LatestDraft);
