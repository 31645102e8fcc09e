using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LiftSys.Sessions.Benchmarks.Dataset;
using LiftSys.Sessions.Benchmarks.Raw;
using LiftSys.Sessions.Security;
using Npgsql;

namespace LiftSys.Sessions.Benchmarks.Profiling;

/// <summary>
/// <c>EXPLAIN (ANALYZE, BUFFERS)</c> of the statements behind the misses, run as the app login after the claims
/// statement (so row-level security applies exactly as in the benchmarks): the library's SQL as EF generates it (named
/// parameters replaced by positional ones) beside the raw baseline's.
/// </summary>
internal static partial class QueryPlans
{
    private const string EfLatestRevision = """
        LEFT JOIN (
            SELECT s3.id, s3.change_summary, s3.changed_fields, s3.created_at, s3.ir_content, s3.metadata, s3.revision_number, s3.session_id, s3.source, s3.validation_result
            FROM (
                SELECT s0.*, ROW_NUMBER() OVER(PARTITION BY s0.session_id ORDER BY s0.revision_number DESC) AS row
                FROM session_revisions AS s0
                {0}
            ) AS s3
            WHERE s3.row <= 1
        ) AS s4 ON s2.id = s4.session_id
        """;

    public static async Task<string> ExplainAsync(BenchmarkDataset data)
    {
        var session = data.Targets[0];
        var user = DatasetIds.HotUser;
        var efGet = "SELECT s2.*, s4.* FROM (SELECT * FROM sessions AS s WHERE s.id = $1 LIMIT 2) AS s2 " + EfLatestRevision;
        var statements = new (string Name, SessionActor Actor, string Sql, object[] Parameters)[]
        {
            ("library GetAsync / LockForRevisionAsync: latest revision as EF emits it (correlated on s.Id)", SessionActor.ForUser(user), string.Format(CultureInfo.InvariantCulture, efGet, string.Empty), [session]),
            ("proposed: the same with the sub-query filtered on the parameter", SessionActor.ForUser(user), string.Format(CultureInfo.InvariantCulture, efGet, "WHERE s0.session_id = $1"), [session]),
            ("raw: LATERAL ... ORDER BY revision_number DESC LIMIT 1", SessionActor.ForUser(user), "SELECT s.*, r.* FROM sessions s LEFT JOIN LATERAL (SELECT * FROM session_revisions x WHERE x.session_id = s.id ORDER BY x.revision_number DESC LIMIT 1) r ON true WHERE s.id = $1", [session]),
            ("user_analytics as the library asks (SingleOrDefault adds LIMIT 2)", SessionActor.ForUser(user), "SELECT u.total_llm_cost_usd, u.total_llm_tokens_used, u.total_sessions FROM user_analytics AS u WHERE u.user_id = $1 LIMIT 2", [user]),
            ("user_analytics as the raw baseline asks", SessionActor.ForUser(user), "SELECT total_llm_cost_usd, total_llm_tokens_used, total_sessions FROM user_analytics WHERE user_id = $1", [user]),
            ("recent_activity of one session, authenticated", SessionActor.ForUser(user), "SELECT * FROM recent_activity WHERE session_id = $1 AND user_id = $2", [session, user]),
            ("recent_activity of one session, service_role", SessionActor.ServiceRole, "SELECT * FROM recent_activity WHERE session_id = $1 AND user_id = $2", [session, user]),
            ("session_summary of one session, authenticated", SessionActor.ForUser(user), "SELECT * FROM session_summary WHERE id = $1 AND user_id = $2", [session, user]),
            ("session_summary of one session, service_role", SessionActor.ServiceRole, "SELECT * FROM session_summary WHERE id = $1 AND user_id = $2", [session, user]),
        };

        var text = new StringBuilder();
        await using var dataSource = NpgsqlDataSource.Create(data.AppConnectionString);
        foreach (var (name, actor, sql, parameters) in statements)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using (var batch = new NpgsqlBatch(connection))
            {
                batch.BatchCommands.Add(ClaimsStatement.Create(actor));
                await using var reader = await batch.ExecuteReaderAsync();
                await ClaimsStatement.CheckAsync(reader);
            }

            // Twice: the first run warms the cache and the plan; the second is reported.
            string plan = string.Empty;
            for (var run = 0; run < 2; run++)
            {
                await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, connection);
                foreach (var parameter in parameters)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = parameter });
                }

                var lines = new List<string>();
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    lines.Add(reader.GetString(0));
                }

                plan = string.Join('\n', lines);
            }

            text.Append(CultureInfo.InvariantCulture, $"### {name} ({actor.DatabaseRole})\n{ExecutionTime().Match(plan).Value}\n```\n{plan}\n```\n\n");
        }

        return text.ToString();
    }

    [GeneratedRegex(@"Execution Time: [0-9.]+ ms")]
    private static partial Regex ExecutionTime();
}
