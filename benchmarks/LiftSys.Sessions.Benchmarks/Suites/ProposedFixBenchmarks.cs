using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using LiftSys.Sessions.Benchmarks.Library;
using LiftSys.Sessions.Benchmarks.Operations;

namespace LiftSys.Sessions.Benchmarks.Suites;

/// <summary>
/// The fixes proposed for <c>src/</c>, measured beside the raw baseline (see <see cref="ProposedLibraryOperations"/>).
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes through [GlobalCleanup], never through IDisposable.")]
public class ProposedFixBenchmarks
{
    public const string Get = "Proposed: get with latest, parameter filter, no COMMIT";
    public const string Append = "Proposed: append revision, parameter filter";
    public const string GetCompiled = "Proposed: get with latest, as above, compiled query";

    private OperationContext context = null!;
    private LibraryHost host = null!;
    private ProposedLibraryOperations proposed = null!;

    [GlobalSetup]
    public void Setup()
    {
        context = new OperationContext(BenchmarkState.Current);
        host = new LibraryHost(BenchmarkState.Current.AppConnectionString);
        proposed = new ProposedLibraryOperations(host);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        context.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark, BenchmarkCategory(Get)]
    public Task GetWithLatestProposed() => proposed.GetWithLatestAsync(OperationContext.HotUser, context.Target(OperationContext.Next()));

    [Benchmark(Baseline = true), BenchmarkCategory(Get)]
    public Task GetWithLatestRaw() => context.Raw.GetWithLatestAsync(OperationContext.HotUser, context.Target(OperationContext.Next()));

    [Benchmark, BenchmarkCategory(GetCompiled)]
    public Task GetWithLatestCompiled() => proposed.GetWithLatestCompiledAsync(OperationContext.HotUser, context.Target(OperationContext.Next()));

    [Benchmark(Baseline = true), BenchmarkCategory(GetCompiled)]
    public Task GetWithLatestCompiledRaw() => context.Raw.GetWithLatestAsync(OperationContext.HotUser, context.Target(OperationContext.Next()));

    [Benchmark, BenchmarkCategory(Append)]
    public Task AppendRevisionProposed()
    {
        var n = OperationContext.Next();
        return proposed.AppendRevisionAsync(OperationContext.HotUser, context.Target(n), RevisionSource.Refinement, OperationContext.Inputs.Ir(n));
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Append)]
    public Task AppendRevisionRaw()
    {
        var n = OperationContext.Next();
        return context.Raw.AppendRevisionAsync(OperationContext.HotUser, context.Target(n), RevisionSource.Refinement, OperationContext.Inputs.Ir(n));
    }
}
