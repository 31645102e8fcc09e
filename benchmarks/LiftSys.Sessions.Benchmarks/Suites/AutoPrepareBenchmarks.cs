using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using LiftSys.Sessions.Benchmarks.Operations;

namespace LiftSys.Sessions.Benchmarks.Suites;

/// <summary>
/// The operations that scale (all but get and append, whose full-table scans dwarf everything else) with Npgsql's
/// automatic preparation on for both sides (<see cref="RlsPreparedBenchmarks.AutoPrepare"/> in the connection string):
/// what a host on a direct or session-mode connection gets from one connection-string setting.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes through [GlobalCleanup], never through IDisposable.")]
public class AutoPrepareBenchmarks
{
    public const string Prefix = "Auto-prepared: ";

    private readonly BenchmarkOperation create = OperationCatalog.Named(OperationCatalog.Create);
    private readonly BenchmarkOperation list = OperationCatalog.Named(OperationCatalog.List);
    private readonly BenchmarkOperation draft = OperationCatalog.Named(OperationCatalog.Draft);
    private readonly BenchmarkOperation resolve = OperationCatalog.Named(OperationCatalog.Resolve);
    private readonly BenchmarkOperation summary = OperationCatalog.Named(OperationCatalog.Summary);
    private readonly BenchmarkOperation timeline = OperationCatalog.Named(OperationCatalog.Timeline);
    private readonly BenchmarkOperation usage = OperationCatalog.Named(OperationCatalog.Usage);
    private readonly BenchmarkOperation validation = OperationCatalog.Named(OperationCatalog.Validation);

    private OperationContext context = null!;

    [GlobalSetup]
    public void Setup() => context = new OperationContext(BenchmarkState.Current, RlsPreparedBenchmarks.AutoPrepare);

    [GlobalCleanup]
    public void Cleanup() => context.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark, BenchmarkCategory(Prefix + OperationCatalog.Create)]
    public Task CreateSessionLibrary() => create.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(Prefix + OperationCatalog.Create)]
    public Task CreateSessionRaw() => create.Raw(context);

    [Benchmark, BenchmarkCategory(Prefix + OperationCatalog.List)]
    public Task ListActiveLibrary() => list.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(Prefix + OperationCatalog.List)]
    public Task ListActiveRaw() => list.Raw(context);

    [Benchmark, BenchmarkCategory(Prefix + OperationCatalog.Draft)]
    public Task AddDraftLibrary() => draft.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(Prefix + OperationCatalog.Draft)]
    public Task AddDraftRaw() => draft.Raw(context);

    [Benchmark, BenchmarkCategory(Prefix + OperationCatalog.Resolve)]
    public Task ResolveHoleLibrary() => resolve.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(Prefix + OperationCatalog.Resolve)]
    public Task ResolveHoleRaw() => resolve.Raw(context);

    [Benchmark, BenchmarkCategory(Prefix + OperationCatalog.Summary)]
    public Task SessionSummaryViewLibrary() => summary.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(Prefix + OperationCatalog.Summary)]
    public Task SessionSummaryViewRaw() => summary.Raw(context);

    [Benchmark, BenchmarkCategory(Prefix + OperationCatalog.Timeline)]
    public Task RecentActivityViewLibrary() => timeline.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(Prefix + OperationCatalog.Timeline)]
    public Task RecentActivityViewRaw() => timeline.Raw(context);

    [Benchmark, BenchmarkCategory(Prefix + OperationCatalog.Usage)]
    public Task UserAnalyticsViewLibrary() => usage.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(Prefix + OperationCatalog.Usage)]
    public Task UserAnalyticsViewRaw() => usage.Raw(context);

    [Benchmark, BenchmarkCategory(Prefix + OperationCatalog.Validation)]
    public Task DraftValidationStatsViewLibrary() => validation.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(Prefix + OperationCatalog.Validation)]
    public Task DraftValidationStatsViewRaw() => validation.Raw(context);
}
