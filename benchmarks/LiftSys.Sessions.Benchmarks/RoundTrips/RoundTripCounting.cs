using LiftSys.Sessions.Benchmarks.Dataset;
using LiftSys.Sessions.Benchmarks.Operations;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.Benchmarks.RoundTrips;

/// <summary>
/// Counts the commands each operation sends with the tests' <see cref="RoundTripCounter"/> (Npgsql's ActivitySource: one
/// activity per command or batch, i.e. per round trip) and the COMMITs, which Npgsql does not trace: the library's from
/// EF's diagnostics (<see cref="CommitCounter"/>), the raw baseline's from its own count of explicit transactions. Each
/// side runs once unmeasured first, so pools and EF's query cache are warm and only the steady-state commands are counted.
/// </summary>
internal static class RoundTripCounting
{
    public static async Task<IReadOnlyList<RoundTripCount>> CountAsync(BenchmarkDataset data)
    {
        await using var context = new OperationContext(data);
        using var counter = new RoundTripCounter(data.DatabaseName);
        using var commits = new CommitCounter(data.DatabaseName);
        var counts = new List<RoundTripCount>();
        foreach (var operation in OperationCatalog.All)
        {
            var (library, libraryCommits) = await CountAsync(counter, () => commits.Count, commits.Reset, () => operation.Library(context));
            var rawBefore = 0;
            var (raw, rawCommits) = await CountAsync(counter, () => context.Raw.Commits - rawBefore, () => rawBefore = context.Raw.Commits, () => operation.Raw(context));
            counts.Add(new RoundTripCount(operation.Name, library, libraryCommits, raw, rawCommits));
        }

        return counts;
    }

    private static async Task<(IReadOnlyList<string> Commands, int Commits)> CountAsync(
        RoundTripCounter counter, Func<int> commits, Action resetCommits, Func<Task> run)
    {
        await run();
        counter.Reset();
        resetCommits();
        await run();
        return (counter.Commands, commits());
    }
}
