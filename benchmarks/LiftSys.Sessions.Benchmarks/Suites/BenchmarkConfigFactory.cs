using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using Perfolizer.Mathematics.OutlierDetection;

namespace LiftSys.Sessions.Benchmarks.Suites;

/// <summary>
/// BenchmarkDotNet's configuration: in process (the dataset and the PostgreSQL server live in this process, and a
/// generated project per benchmark would cost minutes on 2 cores), one operation per iteration so that P95 is the 95th
/// percentile of single operations, no outlier removal (a slow operation is a result, not noise), no forced GC between
/// iterations, and allocations per operation.
/// </summary>
internal static class BenchmarkConfigFactory
{
    public static IConfig Create(BenchmarkOptions options, string artifactsPath, bool large)
    {
        var job = Job.Default
            .WithToolchain(new InProcessNoEmitToolchain(TimeSpan.FromMinutes(30), logOutput: false))
            .WithStrategy(RunStrategy.Throughput)
            .WithLaunchCount(1)
            .WithWarmupCount(large ? options.LargeWarmupCount : options.WarmupCount)
            .WithIterationCount(large ? options.LargeIterationCount : options.IterationCount)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithGcForce(false)
            .WithOutlierMode(OutlierMode.DontRemove)
            .WithId(options.Mode);

        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.P95)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory)
            .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value))
            .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared))
            .WithArtifactsPath(artifactsPath)
            .WithOptions(ConfigOptions.JoinSummary);
        if (options.Filters.Count > 0)
        {
            config = config.AddFilter(new GlobFilter(options.Filters.ToArray()));
        }

        return config;
    }
}
