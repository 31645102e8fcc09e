namespace LiftSys.Sessions.Benchmarks.Concurrency;

/// <summary>Operations per second of each measured round of one scenario on one side.</summary>
internal sealed record ConcurrencyResult(string Scenario, string Side, int OperationsPerRound, IReadOnlyList<double> RoundSeconds)
{
    public double MedianThroughput => OperationsPerRound / Median(RoundSeconds);

    public double WorstThroughput => OperationsPerRound / RoundSeconds.Max();

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
