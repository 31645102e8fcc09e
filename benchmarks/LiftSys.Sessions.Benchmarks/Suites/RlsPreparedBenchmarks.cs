using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using LiftSys.Sessions.Benchmarks.Dataset;
using LiftSys.Sessions.Benchmarks.Operations;
using LiftSys.Sessions.Benchmarks.Raw;
using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.Benchmarks.Suites;

/// <summary>
/// Two keyed view queries of <see cref="RlsOverheadBenchmarks"/> again, with Npgsql's automatic preparation on
/// (<c>Max Auto Prepare</c>): row-level security mostly costs planning time (the policies' sub-queries are planned with
/// every statement), which a prepared statement pays once per connection. Prepared statements survive Npgsql's pool
/// reset, and the policies' <c>(select auth.uid())</c> keeps a cached plan valid for every user.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes through [GlobalCleanup], never through IDisposable.")]
public class RlsPreparedBenchmarks
{
    public const string Summary = "RLS: session_summary, auto-prepared (id + user_id)";
    public const string Timeline = "RLS: recent_activity, auto-prepared (session_id + user_id)";

    /// <summary>What a host would add to its connection string.</summary>
    public const string AutoPrepare = ";Max Auto Prepare=32;Auto Prepare Min Usages=2";

    private static readonly SessionActor User = OperationContext.HotUser;
    private static readonly SessionActor Service = SessionActor.ServiceRole;
    private static readonly Guid Owner = DatasetIds.HotUser;

    private RawOperations raw = null!;
    private int next;

    [GlobalSetup]
    public void Setup() => raw = new RawOperations(BenchmarkState.Current.AppConnectionString + AutoPrepare);

    [GlobalCleanup]
    public void Cleanup() => raw.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark, BenchmarkCategory(Summary)]
    public Task SummaryAuthenticated() => raw.SessionSummaryForOwnerAsync(User, Target(), Owner);

    [Benchmark(Baseline = true), BenchmarkCategory(Summary)]
    public Task SummaryServiceRole() => raw.SessionSummaryForOwnerAsync(Service, Target(), Owner);

    [Benchmark, BenchmarkCategory(Timeline)]
    public Task TimelineAuthenticated() => raw.ActivityTimelineForOwnerAsync(User, Target(), Owner);

    [Benchmark(Baseline = true), BenchmarkCategory(Timeline)]
    public Task TimelineServiceRole() => raw.ActivityTimelineForOwnerAsync(Service, Target(), Owner);

    private Guid Target() => BenchmarkState.Current.Targets[++next % BenchmarkState.Current.Targets.Count];
}
