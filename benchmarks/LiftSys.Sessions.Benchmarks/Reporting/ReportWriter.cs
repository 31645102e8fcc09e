using System.Globalization;
using System.Text;
using LiftSys.Sessions.Benchmarks.Concurrency;
using LiftSys.Sessions.Benchmarks.Dataset;
using LiftSys.Sessions.Benchmarks.Operations;
using LiftSys.Sessions.Benchmarks.RoundTrips;
using LiftSys.Sessions.Benchmarks.Suites;

namespace LiftSys.Sessions.Benchmarks.Reporting;

/// <summary>
/// Turns a run's results into the Markdown that docs/benchmarks.md is made from: the headline table (library ÷ raw, P95,
/// the spec's target) per dataset, the change from the smallest to the largest dataset, RLS overhead, round trips,
/// concurrency, and the aims each result meets or misses.
/// </summary>
internal sealed class ReportWriter(BenchmarkOptions options, RunEnvironment environment)
{
    private const double KeyedAim = 1.3;
    private const double ScaleAim = 1.5;
    private const double RlsAim = 1.2;

    private readonly List<(DatasetScale Scale, DatasetCounts Counts)> datasets = [];
    private readonly List<string> notes = [];
    private readonly List<LatencyResult> latencies = [];
    private readonly List<ConcurrencyResult> concurrency = [];
    private readonly List<InterleavedResult> interleaved = [];
    private IReadOnlyList<RoundTripCount> roundTrips = [];
    private string concurrencyScale = string.Empty;

    public void Note(string note) => notes.Add(note);

    public void AddDataset(DatasetScale scale, DatasetCounts counts) => datasets.Add((scale, counts));

    public void AddLatencies(IEnumerable<LatencyResult> results) => latencies.AddRange(results);

    public void AddInterleaved(IEnumerable<InterleavedResult> results) => interleaved.AddRange(results);

    public void SetRoundTrips(IReadOnlyList<RoundTripCount> counts) => roundTrips = counts;

    public void AddConcurrency(string scale, IEnumerable<ConcurrencyResult> results)
    {
        concurrencyScale = scale;
        concurrency.AddRange(results);
    }

    public string Render()
    {
        var md = new StringBuilder();
        var misses = new List<string>();
        Line(md, $"# LiftSys.Sessions benchmarks ({options.Mode} mode, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        Line(md);
        Line(md, $"- Machine: {environment}");
        foreach (var note in notes)
        {
            Line(md, $"- {note}");
        }

        Line(md, $"- BenchmarkDotNet in process, one operation per iteration: {options.WarmupCount} warm-up + {options.IterationCount} measured operations per benchmark, no outlier removal.");
        foreach (var (scale, counts) in datasets)
        {
            var children = scale.ChildStride > 1 ? $" (children on the hot user's sessions and on 1 session in {scale.ChildStride})" : string.Empty;
            Line(md, $"- Dataset {scale.Name}: {counts}; generated in {counts.GenerationTime.TotalSeconds:N0} s{children}.");
        }

        Line(md);
        foreach (var (scale, _) in datasets)
        {
            RenderOperations(md, scale.Name, misses);
        }

        RenderAutoPrepared(md);
        RenderScale(md, misses);
        RenderRls(md, misses);
        RenderRoundTrips(md);
        RenderConcurrency(md);

        Line(md, $"## Aims missed");
        Line(md);
        if (misses.Count == 0)
        {
            Line(md, $"None.");
        }

        foreach (var miss in misses)
        {
            Line(md, $"- {miss}");
        }

        return md.ToString();
    }

    private static void Line(StringBuilder md, FormattableString? text = null) =>
        md.Append(text is null ? string.Empty : text.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static string Ms(double ns) => (ns / 1_000_000).ToString(ns < 10_000_000 ? "0.000" : "0.0", CultureInfo.InvariantCulture) + " ms";

    private static string Bytes(long? bytes) => bytes is { } b ? (b / 1024.0).ToString("N1", CultureInfo.InvariantCulture) + " KiB" : "–";

    private (LatencyResult Library, LatencyResult Raw)? Pair(string scale, string category)
    {
        var library = latencies.FirstOrDefault(l => l.Scale == scale && l.Category == category && !l.IsBaseline);
        var raw = latencies.FirstOrDefault(l => l.Scale == scale && l.Category == category && l.IsBaseline);
        return library is null || raw is null ? null : (library, raw);
    }

    private void RenderOperations(StringBuilder md, string scale, List<string> misses)
    {
        Line(md, $"## Library vs raw Npgsql, {scale} sessions");
        Line(md);
        Line(md, $"| Operation | Library (mean) | Raw Npgsql (mean) | Ratio | Ratio, interleaved | p95 library / raw | Allocated per call, library / raw | Spec target |");
        Line(md, $"| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var operation in OperationCatalog.All)
        {
            if (Pair(scale, operation.Name) is not var (library, raw))
            {
                continue;
            }

            var ratio = library.MeanNs / raw.MeanNs;
            var paired = interleaved.FirstOrDefault(i => i.Scale == scale && i.Operation == operation.Name);
            var pairedText = paired is null ? "–" : $"{paired.Ratio:0.00}×";
            var allocated = paired is null
                ? $"{Bytes(library.AllocatedBytes)} / {Bytes(raw.AllocatedBytes)}"
                : $"{Bytes(paired.LibraryBytesPerCall)} / {Bytes(paired.RawBytesPerCall)}";
            Line(md, $"| {operation.Name} | {Ms(library.MeanNs)} | {Ms(raw.MeanNs)} | {ratio:0.00}× | {pairedText} | {Ms(library.P95Ns)} / {Ms(raw.P95Ns)} | {allocated} | {operation.SpecTarget} |");
            if (operation.Keyed && ratio > KeyedAim)
            {
                misses.Add(string.Create(CultureInfo.InvariantCulture, $"{scale}: {operation.Name} is {ratio:0.00}× raw (interleaved {pairedText}; aim ≤ {KeyedAim}×)."));
            }
        }

        Line(md);
    }

    private void RenderAutoPrepared(StringBuilder md)
    {
        if (!latencies.Any(l => l.Category.StartsWith(AutoPrepareBenchmarks.Prefix, StringComparison.Ordinal)))
        {
            return;
        }

        Line(md, $"## Library vs raw Npgsql, both with Max Auto Prepare (connection-string setting, no code change)");
        Line(md);
        Line(md, $"| Dataset | Operation | Library (mean) | Raw Npgsql (mean) | Ratio | p95 library / raw | Library without (mean) |");
        Line(md, $"| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (scale, _) in datasets)
        {
            foreach (var operation in OperationCatalog.All)
            {
                if (Pair(scale.Name, AutoPrepareBenchmarks.Prefix + operation.Name) is var (library, raw))
                {
                    var without = Pair(scale.Name, operation.Name) is var (plain, _) ? Ms(plain.MeanNs) : "–";
                    Line(md, $"| {scale.Name} | {operation.Name} | {Ms(library.MeanNs)} | {Ms(raw.MeanNs)} | {library.MeanNs / raw.MeanNs:0.00}× | {Ms(library.P95Ns)} / {Ms(raw.P95Ns)} | {without} |");
                }
            }
        }

        Line(md);
    }

    private void RenderScale(StringBuilder md, List<string> misses)
    {
        if (datasets.Count < 2)
        {
            return;
        }

        var (small, large) = (datasets[0].Scale.Name, datasets[^1].Scale.Name);
        Line(md, $"## From {small} to {large} sessions (mean per operation)");
        Line(md);
        Line(md, $"| Operation | Library {small} | Library {large} | Change | Raw {small} | Raw {large} | Change |");
        Line(md, $"| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var operation in OperationCatalog.All)
        {
            if (Pair(small, operation.Name) is not var (librarySmall, rawSmall) || Pair(large, operation.Name) is not var (libraryLarge, rawLarge))
            {
                continue;
            }

            var change = libraryLarge.MeanNs / librarySmall.MeanNs;
            Line(md, $"| {operation.Name} | {Ms(librarySmall.MeanNs)} | {Ms(libraryLarge.MeanNs)} | {change:0.00}× | {Ms(rawSmall.MeanNs)} | {Ms(rawLarge.MeanNs)} | {rawLarge.MeanNs / rawSmall.MeanNs:0.00}× |");
            if (change > ScaleAim)
            {
                misses.Add(string.Create(CultureInfo.InvariantCulture, $"{operation.Name} grows {change:0.00}× from {small} to {large} (aim ≤ {ScaleAim}×)."));
            }
        }

        Line(md);
    }

    private void RenderRls(StringBuilder md, List<string> misses)
    {
        foreach (var (scale, _) in datasets)
        {
            var categories = latencies.Where(l => l.Scale == scale.Name && l.Category.StartsWith("RLS:", StringComparison.Ordinal))
                .Select(l => l.Category).Distinct().ToArray();
            if (categories.Length == 0)
            {
                continue;
            }

            Line(md, $"## Row-level security overhead, {scale.Name} sessions (raw SQL, same text, explicit user filter)");
            Line(md);
            Line(md, $"| Query | authenticated (RLS) | service_role (BYPASSRLS) | Ratio | p95 authenticated / service_role |");
            Line(md, $"| --- | ---: | ---: | ---: | ---: |");
            foreach (var category in categories)
            {
                if (Pair(scale.Name, category) is not var (user, service))
                {
                    continue;
                }

                var ratio = user.MeanNs / service.MeanNs;
                Line(md, $"| {category[5..]} | {Ms(user.MeanNs)} | {Ms(service.MeanNs)} | {ratio:0.00}× | {Ms(user.P95Ns)} / {Ms(service.P95Ns)} |");
                if (ratio > RlsAim)
                {
                    misses.Add(string.Create(CultureInfo.InvariantCulture, $"{scale.Name}: RLS costs {ratio:0.00}× on {category[5..]} (aim ≤ {RlsAim}×)."));
                }
            }

            Line(md);
        }
    }

    private void RenderRoundTrips(StringBuilder md)
    {
        if (roundTrips.Count == 0)
        {
            return;
        }

        Line(md, $"## Round trips per operation (commands from RoundTripCounter, plus COMMITs counted: library from EF's TransactionCommitted, raw from its own transactions)");
        Line(md);
        Line(md, $"| Operation | Library | Raw Npgsql | Library commands |");
        Line(md, $"| --- | ---: | ---: | --- |");
        foreach (var count in roundTrips)
        {
            var commands = string.Join("; ", count.Library.Select(Shorten).Concat(Enumerable.Repeat("COMMIT", count.LibraryCommits)));
            Line(md, $"| {count.Operation} | {count.LibraryRoundTrips} | {count.RawRoundTrips} | {commands} |");
        }

        Line(md);
    }

    private static string Shorten(string sql)
    {
        var flat = string.Join(' ', sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
        if (flat.Contains("set_config('role'", StringComparison.Ordinal))
        {
            return "claims";
        }

        // The library's claims ride in front of the operation's first statement: name them and show the statement.
        const string ClaimsCall = "CALL liftsys_sessions_apply_claims(";
        if (flat.StartsWith(ClaimsCall, StringComparison.Ordinal))
        {
            var end = flat.IndexOf(';', StringComparison.Ordinal);
            var rest = end < 0 ? string.Empty : flat[(end + 1)..].Trim();
            return rest.Length == 0 ? "claims" : "claims + " + Shorten(rest);
        }

        return flat.Length > 48 ? flat[..48].Replace("|", "\\|", StringComparison.Ordinal) + "…" : flat.Replace("|", "\\|", StringComparison.Ordinal);
    }

    private void RenderConcurrency(StringBuilder md)
    {
        if (concurrency.Count == 0)
        {
            return;
        }

        Line(md, $"## Concurrency, {concurrencyScale} sessions (median of the rounds; worst round in parentheses)");
        Line(md);
        Line(md, $"| Scenario | Library | Raw Npgsql | Library ÷ raw (time) | Spec target |");
        Line(md, $"| --- | ---: | ---: | ---: | --- |");
        foreach (var scenario in concurrency.Select(c => c.Scenario).Distinct())
        {
            var library = concurrency.First(c => c.Scenario == scenario && c.Side == "library");
            var raw = concurrency.First(c => c.Scenario == scenario && c.Side == "raw");
            Line(md, $"| {scenario} | {library.MedianThroughput:N0} ops/s ({library.WorstThroughput:N0}) | {raw.MedianThroughput:N0} ops/s ({raw.WorstThroughput:N0}) | {raw.MedianThroughput / library.MedianThroughput:0.00}× | > 20 updates/s |");
        }

        Line(md);
    }
}
