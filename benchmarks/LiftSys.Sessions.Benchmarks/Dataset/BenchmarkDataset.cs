using LiftSys.Sessions.Benchmarks.Operations;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.Benchmarks.Dataset;

/// <summary>
/// A generated database and what the benchmarks need to know about it: the app login's connection string, the hot user's
/// sessions the keyed operations rotate over, and the latest revision of each (for drafts and resolutions to point at).
/// </summary>
internal sealed class BenchmarkDataset : IAsyncDisposable
{
    /// <summary>The hot user's sessions the keyed operations rotate over (indices 1..TargetCount).</summary>
    public const int TargetCount = 500;

    /// <summary>The hot user's sessions the concurrency runs use (indices after the targets), one per concurrent update.</summary>
    public const int ConcurrencySessions = 100;

    /// <summary>The hot user's sessions each side updates, and as many again that each side pauses and resumes (after the append target).</summary>
    public const int WrittenSessions = 32;

    private readonly TestDatabase database;

    private BenchmarkDataset(TestDatabase database, DatasetScale scale, DatasetCounts counts)
    {
        this.database = database;
        Scale = scale;
        Counts = counts;
        AppConnectionString = database.Server.AppConnectionString(database.Name);
        Targets = Enumerable.Range(1, TargetCount).Select(DatasetIds.Session).ToArray();
        TargetRevisions = Enumerable.Range(1, TargetCount).Select(i => DatasetIds.Revision(i, DatasetIds.RevisionsOf(i))).ToArray();
        ConcurrencyTargets = Enumerable.Range(TargetCount + 1, ConcurrencySessions).Select(DatasetIds.Session).ToArray();
        AppendTarget = DatasetIds.Session(TargetCount + ConcurrencySessions + 1);
        var written = TargetCount + ConcurrencySessions + 2;
        Updated = new SessionCopies(Sessions(written, WrittenSessions), Sessions(written + WrittenSessions, WrittenSessions));
        Toggled = new SessionCopies(Sessions(written + (2 * WrittenSessions), WrittenSessions), Sessions(written + (3 * WrittenSessions), WrittenSessions));
    }

    public DatasetScale Scale { get; }

    public DatasetCounts Counts { get; }

    public string DatabaseName => database.Name;

    public string OwnerConnectionString => database.OwnerConnectionString;

    /// <summary>Gets the NOINHERIT app login's connection string; both the library and the raw baseline use it.</summary>
    public string AppConnectionString { get; }

    public IReadOnlyList<Guid> Targets { get; }

    public IReadOnlyList<Guid> TargetRevisions { get; }

    public IReadOnlyList<Guid> ConcurrencyTargets { get; }

    public Guid AppendTarget { get; }

    /// <summary>Gets the sessions the update benchmark writes, a set per side.</summary>
    public SessionCopies Updated { get; }

    /// <summary>Gets the sessions the status-change benchmark pauses and resumes in turn, a set per side.</summary>
    public SessionCopies Toggled { get; }

    public static async Task<BenchmarkDataset> CreateAsync(DatasetScale scale, TextWriter log)
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            await log.WriteLineAsync($"Generating the {scale.Name} dataset in {database.Name} (as {PostgresServer.OwnerRole}):");
            var counts = await DatasetGenerator.GenerateAsync(database.OwnerConnectionString, scale, log);
            return new BenchmarkDataset(database, scale, counts);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => database.DisposeAsync();

    private static Guid[] Sessions(int first, int count) => Enumerable.Range(first, count).Select(DatasetIds.Session).ToArray();
}
