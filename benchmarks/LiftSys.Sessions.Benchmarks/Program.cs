using System.Globalization;
using BenchmarkDotNet.Running;
using LiftSys.Sessions.Benchmarks;
using LiftSys.Sessions.Benchmarks.Concurrency;
using LiftSys.Sessions.Benchmarks.Dataset;
using LiftSys.Sessions.Benchmarks.Operations;
using LiftSys.Sessions.Benchmarks.Profiling;
using LiftSys.Sessions.Benchmarks.Reporting;
using LiftSys.Sessions.Benchmarks.RoundTrips;
using LiftSys.Sessions.Benchmarks.Suites;
using LiftSys.Sessions.TestSupport;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync(ex.Message);
    await Console.Error.WriteLineAsync(BenchmarkOptions.Usage);
    return 2;
}

var log = Console.Out;
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var output = Path.GetFullPath(Path.Combine(options.OutputDirectory, $"{options.Mode}-{stamp}"));
Directory.CreateDirectory(output);

try
{
    await log.WriteLineAsync($"Starting PostgreSQL (the tests' harness; {TestEnvironment.ConnectionStringVariable} is used when set) ...");
    var server = await TestEnvironment.GetServerAsync();
    var environment = RunEnvironment.Detect(server.Version);
    await log.WriteLineAsync($"Machine: {environment}");
    var report = new ReportWriter(options, environment);
    report.Note($"Load average at start (1, 5, 15 min): {RunEnvironment.LoadAverage()}");

    foreach (var scale in options.Scales)
    {
        await using var dataset = await BenchmarkDataset.CreateAsync(scale, log);
        report.AddDataset(scale, dataset.Counts);
        BenchmarkState.Current = dataset;

        if (options.RunRoundTrips && scale == options.Scales[0])
        {
            await log.WriteLineAsync("Counting round trips ...");
            var counts = await RoundTripCounting.CountAsync(dataset);
            report.SetRoundTrips(counts);
            if (options.ShowSql)
            {
                foreach (var count in counts)
                {
                    await log.WriteLineAsync($"== {count.Operation}: library {count.Library.Count} + {count.LibraryCommits} COMMIT, raw {count.Raw.Count} + {count.RawCommits} COMMIT");
                    foreach (var command in count.Library)
                    {
                        await log.WriteLineAsync($"-- library:\n{command}");
                    }

                    foreach (var command in count.Raw)
                    {
                        await log.WriteLineAsync($"-- raw:\n{command}");
                    }
                }
            }
        }

        if (options.Explain)
        {
            var plans = Path.Combine(output, $"plans-{scale.Name}.md");
            await File.WriteAllTextAsync(plans, await QueryPlans.ExplainAsync(dataset));
            await log.WriteLineAsync($"Query plans written to {plans}");
        }

        if (options.RunLatency)
        {
            if (scale == options.Scales[0])
            {
                // BenchmarkDotNet runs in this process, so its warm-up of a few operations would leave EF's and Npgsql's
                // code at tier-0 for the first benchmarks: bring every path to steady state (tier-1, PGO) first.
                await log.WriteLineAsync("Warming up the process (every operation, library and raw, 60 times) ...");
                await ProcessWarmUp.RunAsync(dataset, 60);
            }

            var large = scale != options.Scales[0];
            var rounds = large ? options.LargeIterationCount : options.IterationCount;
            await log.WriteLineAsync($"Interleaved library/raw calls ({rounds} rounds per operation) ...");
            report.AddInterleaved(await InterleavedRuns.RunAsync(dataset, rounds));
            var config = BenchmarkConfigFactory.Create(options, Path.Combine(output, $"bdn-{scale.Name}"), large);
            var summaries = BenchmarkRunner.Run([typeof(OperationBenchmarks), typeof(AutoPrepareBenchmarks), typeof(RlsOverheadBenchmarks), typeof(RlsPreparedBenchmarks)], config);
            foreach (var summary in summaries)
            {
                report.AddLatencies(LatencyResult.From(scale.Name, summary));
            }
        }

        // Concurrency is measured once, on the smallest dataset: it is about locking and pools, not data size.
        if (options.RunConcurrency && scale == options.Scales[0])
        {
            await log.WriteLineAsync($"Concurrency ({options.ConcurrencyRounds} rounds each) ...");
            report.AddConcurrency(scale.Name, await ConcurrencyRuns.RunAsync(dataset, options.ConcurrencyRounds, log));
        }
    }

    report.Note($"Load average at end (1, 5, 15 min): {RunEnvironment.LoadAverage()}");
    var markdown = report.Render();
    var file = Path.Combine(output, "results.md");
    await File.WriteAllTextAsync(file, markdown);
    await log.WriteLineAsync();
    await log.WriteLineAsync(markdown);
    await log.WriteLineAsync($"Results written to {file}");
    return 0;
}
finally
{
    await TestEnvironment.StopAsync();
}
