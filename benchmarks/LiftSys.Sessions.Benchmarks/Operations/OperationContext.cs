using System.Globalization;
using LiftSys.Sessions.Benchmarks.Dataset;
using LiftSys.Sessions.Benchmarks.Library;
using LiftSys.Sessions.Benchmarks.Raw;
using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.Benchmarks.Operations;

/// <summary>
/// Everything one benchmark needs: the library (its own service provider and pool), the raw baseline (its own data
/// source), the dataset, the input, and a counter that moves the keyed operations over the hot user's sessions.
/// </summary>
internal sealed class OperationContext : IAsyncDisposable
{
    private static int sequence;

    private readonly LibraryHost host;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="data">The dataset.</param>
    /// <param name="connectionSettings">Appended to the app login's connection string on both sides (e.g. auto-prepare).</param>
    public OperationContext(BenchmarkDataset data, string connectionSettings = "")
    {
        Data = data;
        host = new LibraryHost(data.AppConnectionString + connectionSettings);
        Library = new LibraryOperations(host);
        Raw = new RawOperations(data.AppConnectionString + connectionSettings);
    }

    public static SessionActor HotUser { get; } = SessionActor.ForUser(DatasetIds.HotUser);

    public static SessionActor Creator { get; } = SessionActor.ForUser(DatasetIds.Creator);

    public static OperationInputs Inputs { get; } = new();

    public BenchmarkDataset Data { get; }

    public LibraryOperations Library { get; }

    public RawOperations Raw { get; }

    /// <summary>Gets the next call's number, unique in the process (hole ids are made from it).</summary>
    public static int Next() => Interlocked.Increment(ref sequence);

    public static string HoleId(int n) => string.Create(CultureInfo.InvariantCulture, $"bench_hole_{n}");

    public Guid Target(int n) => Data.Targets[n % Data.Targets.Count];

    public Guid TargetRevision(int n) => Data.TargetRevisions[n % Data.TargetRevisions.Count];

    public async ValueTask DisposeAsync()
    {
        await Raw.DisposeAsync();
        await host.DisposeAsync();
    }
}
