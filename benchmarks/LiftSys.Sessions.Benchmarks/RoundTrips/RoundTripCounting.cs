using LiftSys.Sessions.Benchmarks.Dataset;
using LiftSys.Sessions.Benchmarks.Library;
using LiftSys.Sessions.Benchmarks.Operations;
using LiftSys.Sessions.Benchmarks.Suites;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.Benchmarks.RoundTrips;

/// <summary>
/// Counts the commands each operation sends with the tests' <see cref="RoundTripCounter"/> (Npgsql's ActivitySource: one
/// activity per command or batch, i.e. per round trip). Each side runs once unmeasured first, so pools and EF's query
/// cache are warm and only the steady-state commands are counted.
/// </summary>
internal static class RoundTripCounting
{
    public static async Task<IReadOnlyList<RoundTripCount>> CountAsync(BenchmarkDataset data)
    {
        await using var context = new OperationContext(data);
        using var counter = new RoundTripCounter(data.DatabaseName);
        var counts = new List<RoundTripCount>();
        foreach (var operation in OperationCatalog.All)
        {
            var library = await CountAsync(counter, () => operation.Library(context));
            var raw = await CountAsync(counter, () => operation.Raw(context));
            counts.Add(new RoundTripCount(operation.Name, library, raw));
        }

        await using var host = new LibraryHost(data.AppConnectionString);
        var proposed = new ProposedLibraryOperations(host);
        counts.Add(new RoundTripCount(
            ProposedFixBenchmarks.Get,
            await CountAsync(counter, () => proposed.GetWithLatestAsync(OperationContext.HotUser, data.Targets[0])),
            await CountAsync(counter, () => context.Raw.GetWithLatestAsync(OperationContext.HotUser, data.Targets[0]))));
        counts.Add(new RoundTripCount(
            ProposedFixBenchmarks.Append,
            await CountAsync(counter, () => proposed.AppendRevisionAsync(OperationContext.HotUser, data.Targets[0], RevisionSource.Refinement, OperationContext.Inputs.Ir(1))),
            await CountAsync(counter, () => context.Raw.AppendRevisionAsync(OperationContext.HotUser, data.Targets[0], RevisionSource.Refinement, OperationContext.Inputs.Ir(2)))));

        return counts;
    }

    private static async Task<IReadOnlyList<string>> CountAsync(RoundTripCounter counter, Func<Task> run)
    {
        await run();
        counter.Reset();
        await run();
        return counter.Commands;
    }
}
