namespace LiftSys.Sessions.Benchmarks.RoundTrips;

/// <summary>The commands one call of an operation sent, and the transactions it committed, through the library and through the raw baseline.</summary>
internal sealed record RoundTripCount(
    string Operation, IReadOnlyList<string> Library, int LibraryCommits, IReadOnlyList<string> Raw, int RawCommits)
{
    /// <summary>Gets the library's round trips: its commands plus its COMMITs.</summary>
    public int LibraryRoundTrips => Library.Count + LibraryCommits;

    /// <summary>Gets the raw baseline's round trips: its commands plus its COMMITs.</summary>
    public int RawRoundTrips => Raw.Count + RawCommits;
}
