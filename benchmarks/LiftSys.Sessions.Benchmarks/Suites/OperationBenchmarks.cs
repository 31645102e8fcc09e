using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using LiftSys.Sessions.Benchmarks.Operations;

namespace LiftSys.Sessions.Benchmarks.Suites;

/// <summary>
/// Every operation of the catalog through the library and through the raw baseline (the baseline of its category, so
/// BenchmarkDotNet's Ratio column is library ÷ raw). One invocation per iteration: the statistics, P95 included, are
/// per operation.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes through [GlobalCleanup], never through IDisposable.")]
public class OperationBenchmarks
{
    private readonly BenchmarkOperation create = OperationCatalog.Named(OperationCatalog.Create);
    private readonly BenchmarkOperation get = OperationCatalog.Named(OperationCatalog.Get);
    private readonly BenchmarkOperation list = OperationCatalog.Named(OperationCatalog.List);
    private readonly BenchmarkOperation update = OperationCatalog.Named(OperationCatalog.Update);
    private readonly BenchmarkOperation status = OperationCatalog.Named(OperationCatalog.Status);
    private readonly BenchmarkOperation append = OperationCatalog.Named(OperationCatalog.Append);
    private readonly BenchmarkOperation rollback = OperationCatalog.Named(OperationCatalog.Rollback);
    private readonly BenchmarkOperation draft = OperationCatalog.Named(OperationCatalog.Draft);
    private readonly BenchmarkOperation resolve = OperationCatalog.Named(OperationCatalog.Resolve);
    private readonly BenchmarkOperation summary = OperationCatalog.Named(OperationCatalog.Summary);
    private readonly BenchmarkOperation timeline = OperationCatalog.Named(OperationCatalog.Timeline);
    private readonly BenchmarkOperation usage = OperationCatalog.Named(OperationCatalog.Usage);
    private readonly BenchmarkOperation validation = OperationCatalog.Named(OperationCatalog.Validation);

    private OperationContext context = null!;

    [GlobalSetup]
    public void Setup() => context = new OperationContext(BenchmarkState.Current);

    [GlobalCleanup]
    public void Cleanup() => context.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark, BenchmarkCategory(OperationCatalog.Create)]
    public Task CreateSessionLibrary() => create.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Create)]
    public Task CreateSessionRaw() => create.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Get)]
    public Task GetWithLatestLibrary() => get.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Get)]
    public Task GetWithLatestRaw() => get.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.List)]
    public Task ListActiveLibrary() => list.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.List)]
    public Task ListActiveRaw() => list.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Update)]
    public Task UpdateSessionLibrary() => update.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Update)]
    public Task UpdateSessionRaw() => update.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Status)]
    public Task StatusChangeLibrary() => status.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Status)]
    public Task StatusChangeRaw() => status.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Append)]
    public Task AppendRevisionLibrary() => append.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Append)]
    public Task AppendRevisionRaw() => append.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Rollback)]
    public Task RollbackToRevisionLibrary() => rollback.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Rollback)]
    public Task RollbackToRevisionRaw() => rollback.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Draft)]
    public Task AddDraftLibrary() => draft.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Draft)]
    public Task AddDraftRaw() => draft.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Resolve)]
    public Task ResolveHoleLibrary() => resolve.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Resolve)]
    public Task ResolveHoleRaw() => resolve.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Summary)]
    public Task SessionSummaryViewLibrary() => summary.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Summary)]
    public Task SessionSummaryViewRaw() => summary.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Timeline)]
    public Task RecentActivityViewLibrary() => timeline.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Timeline)]
    public Task RecentActivityViewRaw() => timeline.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Usage)]
    public Task UserAnalyticsViewLibrary() => usage.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Usage)]
    public Task UserAnalyticsViewRaw() => usage.Raw(context);

    [Benchmark, BenchmarkCategory(OperationCatalog.Validation)]
    public Task DraftValidationStatsViewLibrary() => validation.Library(context);

    [Benchmark(Baseline = true), BenchmarkCategory(OperationCatalog.Validation)]
    public Task DraftValidationStatsViewRaw() => validation.Raw(context);
}
