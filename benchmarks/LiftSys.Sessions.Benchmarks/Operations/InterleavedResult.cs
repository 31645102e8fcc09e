namespace LiftSys.Sessions.Benchmarks.Operations;

/// <summary>
/// Per-call latencies (milliseconds) and bytes allocated per call of one operation, the library's and the raw baseline's
/// calls alternating.
/// </summary>
internal sealed record InterleavedResult(
    string Scale, string Operation, IReadOnlyList<double> LibraryMs, IReadOnlyList<double> RawMs, long LibraryBytesPerCall, long RawBytesPerCall)
{
    public double Ratio => LibraryMs.Average() / RawMs.Average();

    public static double P95(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(0.95 * sorted.Length) - 1)];
    }
}
