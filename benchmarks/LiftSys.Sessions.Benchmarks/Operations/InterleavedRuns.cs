using System.Diagnostics;
using LiftSys.Sessions.Benchmarks.Dataset;

namespace LiftSys.Sessions.Benchmarks.Operations;

/// <summary>
/// A cross-check of BenchmarkDotNet's ratios on a shared machine: the library's and the raw baseline's calls alternate
/// (the order flips every round), so both see the same background load, and the ratio of their means is not skewed by
/// load that comes and goes between two benchmarks run minutes apart.
/// </summary>
internal static class InterleavedRuns
{
    private const int WarmUpRounds = 5;

    public static async Task<IReadOnlyList<InterleavedResult>> RunAsync(BenchmarkDataset data, int rounds)
    {
        await using var context = new OperationContext(data);
        var results = new List<InterleavedResult>();
        foreach (var operation in OperationCatalog.All)
        {
            var library = new List<double>(rounds);
            var raw = new List<double>(rounds);
            long libraryBytes = 0, rawBytes = 0;
            for (var round = -WarmUpRounds; round < rounds; round++)
            {
                var libraryFirst = round % 2 == 0;
                var (first, firstBytes) = await TimeAsync(libraryFirst ? operation.Library : operation.Raw, context);
                var (second, secondBytes) = await TimeAsync(libraryFirst ? operation.Raw : operation.Library, context);
                if (round >= 0)
                {
                    library.Add(libraryFirst ? first : second);
                    raw.Add(libraryFirst ? second : first);
                    libraryBytes += libraryFirst ? firstBytes : secondBytes;
                    rawBytes += libraryFirst ? secondBytes : firstBytes;
                }
            }

            results.Add(new InterleavedResult(data.Scale.Name, operation.Name, library, raw, libraryBytes / rounds, rawBytes / rounds));
        }

        return results;
    }

    // Allocations are counted process-wide (the continuations of an async call run on pool threads), so they include
    // the little the runtime and Npgsql allocate in the background meanwhile; both sides are measured the same way.
    private static async Task<(double Milliseconds, long Bytes)> TimeAsync(Func<OperationContext, Task> run, OperationContext context)
    {
        var bytes = GC.GetTotalAllocatedBytes(precise: false);
        var start = Stopwatch.GetTimestamp();
        await run(context);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return (elapsed, GC.GetTotalAllocatedBytes(precise: false) - bytes);
    }
}
