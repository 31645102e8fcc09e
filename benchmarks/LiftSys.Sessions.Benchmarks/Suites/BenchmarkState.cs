using LiftSys.Sessions.Benchmarks.Dataset;

namespace LiftSys.Sessions.Benchmarks.Suites;

/// <summary>
/// The dataset the benchmark classes run against. BenchmarkDotNet runs them in this process (in-process toolchain), so
/// the orchestrator provisions a dataset, sets it here, and runs the classes.
/// </summary>
internal static class BenchmarkState
{
    private static BenchmarkDataset? current;

    public static BenchmarkDataset Current
    {
        get => current ?? throw new InvalidOperationException("No dataset is provisioned; run the benchmarks through Program (benchmarks/run.sh).");
        set => current = value;
    }
}
