using System.Globalization;
using LiftSys.Sessions.Benchmarks.Dataset;

namespace LiftSys.Sessions.Benchmarks;

/// <summary>The command line: a mode (quick or full), and overrides for the scales, the phases and where results go.</summary>
internal sealed record BenchmarkOptions
{
    public required string Mode { get; init; }

    public required IReadOnlyList<DatasetScale> Scales { get; init; }

    public required int WarmupCount { get; init; }

    public required int IterationCount { get; init; }

    public required int ConcurrencyRounds { get; init; }

    /// <summary>Gets the warm-up operations per benchmark on every dataset after the first (the large ones).</summary>
    public required int LargeWarmupCount { get; init; }

    /// <summary>Gets the measured operations per benchmark on every dataset after the first (the large ones).</summary>
    public required int LargeIterationCount { get; init; }

    public bool Explain { get; init; } = true;

    public bool RunLatency { get; init; } = true;

    public bool RunConcurrency { get; init; } = true;

    public bool RunRoundTrips { get; init; } = true;

    public bool ShowSql { get; init; }

    public IReadOnlyList<string> Filters { get; init; } = [];

    public required string OutputDirectory { get; init; }

    public static string Usage => """
        Usage: LiftSys.Sessions.Benchmarks [--quick | --full] [options]

          --quick               10k and 100k sessions, 15 warm-up + 100 measured operations per benchmark (5 + 30 on
                                100k), 5 concurrency rounds: a few minutes on 2 cores.
          --full                10k and 1M sessions (1M: about 4 minutes and 6.5 GiB to generate),
                                30 warm-up + 300 measured operations (3 + 20 on 1M), 15 concurrency rounds. Default.
          --scales LIST         Comma-separated dataset sizes instead: 10k, 100k, 1M, 1M/4 (children on 1 session in 4).
          --iterations N        Measured operations per benchmark.
          --warmup N            Warm-up operations per benchmark.
          --rounds N            Concurrency rounds.
          --large-iterations N  Measured operations per benchmark on the larger datasets (quick 30, full 20): the
          --large-warmup N      library's get and append scan whole tables there (see docs/benchmarks.md).
          --filter GLOB         Only the BenchmarkDotNet benchmarks matching (e.g. '*Append*'); repeatable.
          --no-latency          Skip BenchmarkDotNet.   --no-concurrency   Skip the concurrency runs.
          --no-round-trips      Skip the round-trip count.   --show-sql    Print each operation's commands.
          --no-explain          Skip EXPLAIN ANALYZE of the statements behind the misses (written to plans-SCALE.md).
          --output DIR          Where results go (default artifacts/benchmarks).

        PostgreSQL: a throwaway PostgreSQL 15 cluster started like the tests' (or LIFTSYS_TEST_POSTGRES).
        """;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var quick = args.Contains("--quick");
        var options = quick
            ? new BenchmarkOptions
            {
                Mode = "quick",
                Scales = [DatasetScale.Parse("10k"), DatasetScale.Parse("100k")],
                WarmupCount = 15,
                IterationCount = 100,
                ConcurrencyRounds = 5,
                LargeWarmupCount = 5,
                LargeIterationCount = 30,
                OutputDirectory = "artifacts/benchmarks",
            }
            : new BenchmarkOptions
            {
                Mode = "full",
                Scales = [DatasetScale.Parse("10k"), DatasetScale.Parse("1M")],
                WarmupCount = 30,
                IterationCount = 300,
                ConcurrencyRounds = 15,
                LargeWarmupCount = 3,
                LargeIterationCount = 20,
                OutputDirectory = "artifacts/benchmarks",
            };

        var filters = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--quick" or "--full" => options,
                "--scales" => options with { Scales = Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(DatasetScale.Parse).ToArray() },
                "--iterations" => options with { IterationCount = Number() },
                "--warmup" => options with { WarmupCount = Number() },
                "--rounds" => options with { ConcurrencyRounds = Number() },
                "--large-iterations" => options with { LargeIterationCount = Number() },
                "--large-warmup" => options with { LargeWarmupCount = Number() },
                "--no-explain" => options with { Explain = false },
                "--filter" => AddFilter(options, filters, Value()),
                "--no-latency" => options with { RunLatency = false },
                "--no-concurrency" => options with { RunConcurrency = false },
                "--no-round-trips" => options with { RunRoundTrips = false },
                "--show-sql" => options with { ShowSql = true },
                "--output" => options with { OutputDirectory = Value() },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }

    private static BenchmarkOptions AddFilter(BenchmarkOptions options, List<string> filters, string filter)
    {
        filters.Add(filter);
        return options with { Filters = filters.ToArray() };
    }
}
