using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LiftSys.Sessions.Benchmarks.Dataset;
using LiftSys.Sessions.Benchmarks.Operations;
using LiftSys.Sessions.Benchmarks.Raw;
using Npgsql;

namespace LiftSys.Sessions.Benchmarks.Concurrency;

/// <summary>
/// The spec's concurrency test and the store's hardest case: 100 updates of 100 distinct sessions at once (optimistic
/// concurrency on <c>updated_at</c>), and 20 revisions appended to one session at once (numbers allocated under the
/// session row's lock, so they queue). Each round starts every call on the thread pool and waits for all; one unmeasured
/// round first opens the connections. The library and the raw baseline run one after the other, each with pools of its
/// own that are closed afterwards, so neither holds connections while the other runs.
/// </summary>
internal static class ConcurrencyRuns
{
    public const string Updates = "100 concurrent updates, distinct sessions";
    public const string Appends = "20 concurrent appends, one session";

    private const int AppendsPerRound = 20;

    public static async Task<IReadOnlyList<ConcurrencyResult>> RunAsync(BenchmarkDataset data, int rounds, TextWriter log)
    {
        var results = new List<ConcurrencyResult>();
        var targets = data.ConcurrencyTargets;
        var actor = OperationContext.HotUser;

        await using (var context = new OperationContext(data))
        {
            results.Add(await RoundsAsync(Updates, "library", targets.Count, rounds, log, async round =>
            {
                var sessions = await Task.WhenAll(targets.Select(async id => (await context.Library.GetWithLatestAsync(actor, id))!.Session));
                foreach (var session in sessions)
                {
                    session.ReplaceMetadata(RoundMetadata(round));
                }

                return () => Task.WhenAll(sessions.Select(s => Task.Run(() => context.Library.UpdateAsync(actor, s))));
            }));
            results.Add(await RoundsAsync(Appends, "library", AppendsPerRound, rounds, log, round => Task.FromResult<Func<Task>>(
                () => Task.WhenAll(Enumerable.Range(0, AppendsPerRound).Select(i => Task.Run(() =>
                    context.Library.AppendRevisionAsync(actor, data.AppendTarget, RevisionSource.Refinement, OperationContext.Inputs.Ir(round + i))))))));
        }

        await VerifyNumberingAsync(data, log);

        await using (var context = new OperationContext(data))
        {
            results.Add(await RoundsAsync(Updates, "raw", targets.Count, rounds, log, async round =>
            {
                var sessions = await Task.WhenAll(targets.Select(async id => (await context.Raw.GetWithLatestAsync(actor, id))!.Session));
                var changed = sessions.Select(s => s with { Metadata = RoundMetadata(round) }).ToArray();
                return () => Task.WhenAll(changed.Select(s => Task.Run(() => context.Raw.UpdateAsync(actor, s))));
            }));
            results.Add(await RoundsAsync(Appends, "raw", AppendsPerRound, rounds, log, round => Task.FromResult<Func<Task>>(
                () => Task.WhenAll(Enumerable.Range(0, AppendsPerRound).Select(i => Task.Run(() =>
                    context.Raw.AppendRevisionAsync(actor, data.AppendTarget, RevisionSource.Refinement, OperationContext.Inputs.Ir(round + i))))))));
        }

        await VerifyNumberingAsync(data, log);
        return results;
    }

    private static JsonElement RoundMetadata(int round) => JsonSerializer.SerializeToElement(new { client = "bench", round });

    private static async Task<ConcurrencyResult> RoundsAsync(
        string scenario, string side, int operations, int rounds, TextWriter log, Func<int, Task<Func<Task>>> prepare)
    {
        var seconds = new List<double>();
        for (var round = 0; round <= rounds; round++)
        {
            var run = await prepare(round);
            var stopwatch = Stopwatch.StartNew();
            await run();
            stopwatch.Stop();
            if (round > 0)
            {
                seconds.Add(stopwatch.Elapsed.TotalSeconds);
            }
        }

        var result = new ConcurrencyResult(scenario, side, operations, seconds);
        await log.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"  {scenario} ({side}): median {result.MedianThroughput:N0} ops/s, worst round {result.WorstThroughput:N0} ops/s over {rounds} rounds"));
        return result;
    }

    /// <summary>The appends must have numbered 1..n without a gap or a duplicate, whoever won each race.</summary>
    private static async Task VerifyNumberingAsync(BenchmarkDataset data, TextWriter log)
    {
        await using var connection = new NpgsqlConnection(data.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*), count(DISTINCT revision_number), max(revision_number),
                   (SELECT revision_count FROM sessions WHERE id = $1)
            FROM session_revisions WHERE session_id = $1
            """,
            connection);
        command.Parameters.Add(RawParameters.Of(data.AppendTarget));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (rows, distinct, max, counter) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt32(3));
        if (rows != distinct || rows != max || rows != counter)
        {
            throw new InvalidOperationException(
                $"Concurrent appends broke the numbering: {rows} revisions, {distinct} distinct numbers, highest {max}, revision_count {counter}.");
        }

        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  numbering checked: revisions 1..{max}, no gap, no duplicate, revision_count = {counter}"));
    }
}
