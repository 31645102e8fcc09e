using BenchmarkDotNet.Reports;

namespace LiftSys.Sessions.Benchmarks.Reporting;

/// <summary>One BenchmarkDotNet result: per-operation mean and P95 (nanoseconds) and bytes allocated per operation.</summary>
internal sealed record LatencyResult(string Scale, string Category, string Method, bool IsBaseline, double MeanNs, double P95Ns, long? AllocatedBytes)
{
    public static IEnumerable<LatencyResult> From(string scale, Summary summary)
    {
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is not { } statistics)
            {
                continue;
            }

            var descriptor = report.BenchmarkCase.Descriptor;
            yield return new LatencyResult(
                scale,
                descriptor.Categories.FirstOrDefault() ?? descriptor.WorkloadMethod.Name,
                descriptor.WorkloadMethod.Name,
                descriptor.Baseline,
                statistics.Mean,
                statistics.Percentiles.P95,
                report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase));
        }
    }
}
