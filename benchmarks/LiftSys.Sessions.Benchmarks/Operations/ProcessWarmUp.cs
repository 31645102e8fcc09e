using LiftSys.Sessions.Benchmarks.Dataset;

namespace LiftSys.Sessions.Benchmarks.Operations;

/// <summary>
/// Runs every operation, through the library and the raw baseline, until the process's code is at steady state: the given
/// number of rounds, or fewer when they would take longer than a minute (on a large dataset where an operation takes
/// seconds, the first few rounds are enough to tier up the code around it).
/// </summary>
internal static class ProcessWarmUp
{
    public static async Task RunAsync(BenchmarkDataset data, int rounds)
    {
        await using var context = new OperationContext(data);
        var budget = System.Diagnostics.Stopwatch.StartNew();
        for (var round = 0; round < rounds && (round < 3 || budget.Elapsed < TimeSpan.FromMinutes(1)); round++)
        {
            foreach (var operation in OperationCatalog.All)
            {
                await operation.Library(context);
                await operation.Raw(context);
            }
        }
    }
}
