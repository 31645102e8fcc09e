using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using LiftSys.Sessions.Benchmarks.Dataset;
using LiftSys.Sessions.Benchmarks.Operations;
using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.Benchmarks.Suites;

/// <summary>
/// What row-level security costs PostgreSQL: the same SQL text, with an explicit <c>user_id</c> filter, run as
/// <c>authenticated</c> (policies applied) and as <c>service_role</c> (BYPASSRLS, the baseline), both through the raw
/// baseline so nothing but the role differs.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes through [GlobalCleanup], never through IDisposable.")]
public class RlsOverheadBenchmarks
{
    public const string Get = "RLS: get with latest (id + user_id)";
    public const string List = "RLS: list active (user_id)";
    public const string Summary = "RLS: session_summary (id + user_id)";
    public const string Usage = "RLS: user_analytics (user_id)";
    public const string Validation = "RLS: draft_validation_stats (user_id)";
    public const string Timeline = "RLS: recent_activity (session_id + user_id)";

    private static readonly SessionActor User = OperationContext.HotUser;
    private static readonly SessionActor Service = SessionActor.ServiceRole;
    private static readonly Guid Owner = DatasetIds.HotUser;

    private OperationContext context = null!;

    [GlobalSetup]
    public void Setup() => context = new OperationContext(BenchmarkState.Current);

    [GlobalCleanup]
    public void Cleanup() => context.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark, BenchmarkCategory(Get)]
    public Task GetAuthenticated() => context.Raw.GetWithLatestForOwnerAsync(User, context.Target(OperationContext.Next()), Owner);

    [Benchmark(Baseline = true), BenchmarkCategory(Get)]
    public Task GetServiceRole() => context.Raw.GetWithLatestForOwnerAsync(Service, context.Target(OperationContext.Next()), Owner);

    [Benchmark, BenchmarkCategory(List)]
    public Task ListAuthenticated() => context.Raw.ListActiveAsync(User, Owner);

    [Benchmark(Baseline = true), BenchmarkCategory(List)]
    public Task ListServiceRole() => context.Raw.ListActiveAsync(Service, Owner);

    [Benchmark, BenchmarkCategory(Summary)]
    public Task SummaryAuthenticated() => context.Raw.SessionSummaryForOwnerAsync(User, context.Target(OperationContext.Next()), Owner);

    [Benchmark(Baseline = true), BenchmarkCategory(Summary)]
    public Task SummaryServiceRole() => context.Raw.SessionSummaryForOwnerAsync(Service, context.Target(OperationContext.Next()), Owner);

    [Benchmark, BenchmarkCategory(Usage)]
    public Task UsageAuthenticated() => context.Raw.UserUsageAsync(User, Owner);

    [Benchmark(Baseline = true), BenchmarkCategory(Usage)]
    public Task UsageServiceRole() => context.Raw.UserUsageAsync(Service, Owner);

    [Benchmark, BenchmarkCategory(Validation)]
    public Task ValidationAuthenticated() => context.Raw.ValidationSuccessRateAsync(User, Owner);

    [Benchmark(Baseline = true), BenchmarkCategory(Validation)]
    public Task ValidationServiceRole() => context.Raw.ValidationSuccessRateAsync(Service, Owner);

    [Benchmark, BenchmarkCategory(Timeline)]
    public Task TimelineAuthenticated() => context.Raw.ActivityTimelineForOwnerAsync(User, context.Target(OperationContext.Next()), Owner);

    [Benchmark(Baseline = true), BenchmarkCategory(Timeline)]
    public Task TimelineServiceRole() => context.Raw.ActivityTimelineForOwnerAsync(Service, context.Target(OperationContext.Next()), Owner);
}
