namespace LiftSys.Sessions.Benchmarks.RoundTrips;

/// <summary>The commands one call of an operation sent, through the library and through the raw baseline.</summary>
internal sealed record RoundTripCount(string Operation, IReadOnlyList<string> Library, IReadOnlyList<string> Raw);
