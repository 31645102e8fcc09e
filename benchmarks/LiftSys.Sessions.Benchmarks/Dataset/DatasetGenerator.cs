using System.Diagnostics;
using System.Globalization;
using Bogus;
using LiftSys.Sessions.TestSupport.Fakers;
using Npgsql;
using NpgsqlTypes;

namespace LiftSys.Sessions.Benchmarks.Dataset;

/// <summary>
/// Fills a migrated database, as the tables' owner, with <c>INSERT … SELECT generate_series</c>: no row crosses the
/// network, the counters are written with the sessions (the counter triggers are disabled for the load and enabled
/// again), and the tables are vacuumed and analyzed at the end, as autovacuum would leave them.
/// </summary>
/// <remarks>
/// Content comes from a pool of Bogus documents (IR, prompts, code) copied in once with <see cref="NpgsqlBinaryImporter"/>;
/// row <c>i</c> picks pool entry <c>i % PoolSize</c>, so rows differ in size and content like real ones without
/// generating millions of documents on the client. Foreign keys, CHECK constraints and every index stay in place.
/// </remarks>
internal static class DatasetGenerator
{
    private const int PoolSize = 256;

    private const string Functions = """
        CREATE FUNCTION pg_temp.sid(i int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
            $$ SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid $$;
        CREATE FUNCTION pg_temp.rid(i int, k int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
            $$ SELECT ('00000001-0000-7000-8000-' || lpad(to_hex(i), 8, '0') || lpad(to_hex(k), 4, '0'))::uuid $$;
        CREATE FUNCTION pg_temp.did(i int, k int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
            $$ SELECT ('00000002-0000-7000-8000-' || lpad(to_hex(i), 8, '0') || lpad(to_hex(k), 4, '0'))::uuid $$;
        CREATE FUNCTION pg_temp.hid(i int, k int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
            $$ SELECT ('00000003-0000-7000-8000-' || lpad(to_hex(i), 8, '0') || lpad(to_hex(k), 4, '0'))::uuid $$;
        CREATE FUNCTION pg_temp.uid(i int, users int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
            $$ SELECT CASE WHEN i <= 1000 THEN 'b0000000-0000-4000-8000-000000000001'::uuid
                           ELSE ('00000000-0000-4000-9000-' || lpad(to_hex(1 + i % users), 12, '0'))::uuid END $$;
        -- Whether session i has children: the hot user's always, the others one in every $stride.
        CREATE FUNCTION pg_temp.kids(i int, stride int) RETURNS boolean LANGUAGE sql IMMUTABLE AS
            $$ SELECT i <= 1000 OR i % stride = 0 $$;
        CREATE FUNCTION pg_temp.ts(i int) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS
            $$ SELECT timestamptz '2025-01-01 00:00:00+00' + i * interval '5 seconds' $$;
        """;

    public static async Task<DatasetCounts> GenerateAsync(string ownerConnectionString, DatasetScale scale, TextWriter log)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        var total = Stopwatch.StartNew();

        await ExecuteAsync(connection, Functions);
        await ExecuteAsync(connection, "CREATE TEMP TABLE bench_pool (n int PRIMARY KEY, ir jsonb NOT NULL, code text NOT NULL, prompt text NOT NULL)");
        await FillPoolAsync(connection);
        await ExecuteAsync(connection, """
            ALTER TABLE session_revisions DISABLE TRIGGER trigger_revisions_count_insert;
            ALTER TABLE session_drafts DISABLE TRIGGER trigger_drafts_count_insert;
            ALTER TABLE hole_resolutions DISABLE TRIGGER trigger_resolutions_count_insert;
            """);
        try
        {
            var users = Math.Max(1, (scale.Sessions - DatasetScale.HotUserSessions) / DatasetScale.SessionsPerUser);
            await TimedAsync(connection, log, "sessions", string.Create(CultureInfo.InvariantCulture, $$"""
                INSERT INTO sessions (id, user_id, status, source, original_input, current_ir, current_code,
                                      revision_count, draft_count, hole_count, metadata, created_at, updated_at, finalized_at)
                SELECT pg_temp.sid(i), pg_temp.uid(i, {{users}}), st.status,
                       CASE WHEN i % 4 = 0 THEN 'code' ELSE 'prompt' END,
                       p.prompt,
                       CASE WHEN kids THEN cur.ir END,
                       CASE WHEN kids AND i % 4 > 0 THEN cur.code END,
                       CASE WHEN kids THEN 1 + i % 5 ELSE 0 END,
                       CASE WHEN kids THEN i % 4 ELSE 0 END,
                       CASE WHEN kids THEN i % 3 ELSE 0 END,
                       jsonb_build_object('tag', 't' || (i % 50), 'client', 'bench'),
                       pg_temp.ts(i), pg_temp.ts(i) + (i % 3600) * interval '1 second',
                       CASE WHEN st.status = 'finalized' THEN pg_temp.ts(i) + (i % 3600) * interval '1 second' END
                FROM generate_series(1, {{scale.Sessions}}) i
                CROSS JOIN LATERAL (SELECT pg_temp.kids(i, {{scale.ChildStride}}) AS kids) k
                CROSS JOIN LATERAL (SELECT CASE
                    WHEN i <= 1000 THEN 'active'
                    WHEN i % 20 < 14 THEN 'active'
                    WHEN i % 20 < 16 THEN 'paused'
                    WHEN i % 20 < 19 THEN 'finalized'
                    ELSE 'error' END AS status) st
                JOIN bench_pool p ON p.n = i % {{PoolSize}}
                JOIN bench_pool cur ON cur.n = (i + 1 + i % 5) % {{PoolSize}}
                """));

            await TimedAsync(connection, log, "session_revisions", string.Create(CultureInfo.InvariantCulture, $$"""
                INSERT INTO session_revisions (id, session_id, revision_number, source, ir_content, validation_result,
                                               changed_fields, change_summary, metadata, created_at)
                SELECT pg_temp.rid(i, k), pg_temp.sid(i), k,
                       CASE WHEN k = 1 THEN 'initial' WHEN k % 3 = 0 THEN 'repair' WHEN k % 3 = 1 THEN 'user_edit' ELSE 'refinement' END,
                       p.ir,
                       CASE WHEN k % 2 = 0 THEN '{"valid": true}'::jsonb END,
                       CASE WHEN k = 1 THEN ARRAY['intent', 'signature', 'effects', 'assertions', 'metadata'] ELSE ARRAY['intent'] END,
                       'Revision ' || k,
                       '{}'::jsonb,
                       pg_temp.ts(i) + k * interval '1 minute'
                FROM generate_series(1, {{scale.Sessions}}) i
                CROSS JOIN LATERAL generate_series(1, 1 + i % 5) k
                JOIN bench_pool p ON p.n = (i + k) % {{PoolSize}}
                WHERE pg_temp.kids(i, {{scale.ChildStride}})
                """));

            await TimedAsync(connection, log, "session_drafts", string.Create(CultureInfo.InvariantCulture, $$"""
                INSERT INTO session_drafts (id, session_id, ir_revision_id, draft_number, source, code_content, language,
                                            syntax_valid, ast_valid, validation_errors, generation_time_ms, validation_time_ms,
                                            llm_tokens_used, llm_cost_usd, metadata, created_at)
                SELECT pg_temp.did(i, k), pg_temp.sid(i), pg_temp.rid(i, least(k, 1 + i % 5)), k,
                       CASE WHEN k = 1 THEN 'initial_generation' WHEN k % 2 = 0 THEN 'ast_repair' ELSE 'llm_regeneration' END,
                       p.code, 'python',
                       (i + k) % 5 <> 0, (i + k) % 7 <> 0,
                       CASE WHEN (i + k) % 7 = 0 THEN '[{"line": 3, "message": "unexpected indent"}]'::jsonb ELSE '[]'::jsonb END,
                       500 + (i * k) % 2000, 20 + (i + k) % 100, 300 + (i * 7 + k) % 1500,
                       ((i * k) % 1000 / 100000.0)::numeric(10,6),
                       '{}'::jsonb,
                       pg_temp.ts(i) + k * interval '1 minute' + interval '10 seconds'
                FROM generate_series(1, {{scale.Sessions}}) i
                CROSS JOIN LATERAL generate_series(1, i % 4) k
                JOIN bench_pool p ON p.n = (i + k) % {{PoolSize}}
                WHERE pg_temp.kids(i, {{scale.ChildStride}})
                """));

            await TimedAsync(connection, log, "hole_resolutions", string.Create(CultureInfo.InvariantCulture, $$"""
                INSERT INTO hole_resolutions (id, session_id, ir_revision_id, hole_id, hole_type, resolution_method, resolved_value,
                                              confidence_score, original_hole_data, suggestions_provided, metadata, created_at)
                SELECT pg_temp.hid(i, k), pg_temp.sid(i), pg_temp.rid(i, 1 + i % 5), 'hole_' || k,
                       (ARRAY['type', 'parameter', 'return_value', 'validation', 'entity', 'constraint', 'other'])[1 + (i + k) % 7],
                       (ARRAY['user_selection', 'ai_suggestion', 'inference', 'default'])[1 + (i + k) % 4],
                       jsonb_build_object('value', 'v' || k),
                       ((i + k) % 100 / 100.0)::numeric(3,2),
                       jsonb_build_object('kind', 'type', 'hint', 'h' || (i % 10)),
                       '[]'::jsonb,
                       '{}'::jsonb,
                       pg_temp.ts(i) + k * interval '2 minutes'
                FROM generate_series(1, {{scale.Sessions}}) i
                CROSS JOIN LATERAL generate_series(1, i % 3) k
                WHERE pg_temp.kids(i, {{scale.ChildStride}})
                """));
        }
        finally
        {
            await ExecuteAsync(connection, """
                ALTER TABLE session_revisions ENABLE TRIGGER trigger_revisions_count_insert;
                ALTER TABLE session_drafts ENABLE TRIGGER trigger_drafts_count_insert;
                ALTER TABLE hole_resolutions ENABLE TRIGGER trigger_resolutions_count_insert;
                """);
        }

        // As autovacuum would leave the tables: statistics for the planner and a visibility map for index-only scans.
        var vacuum = Stopwatch.StartNew();
        await ExecuteAsync(connection, "VACUUM (ANALYZE) sessions, session_revisions, session_drafts, hole_resolutions");
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  VACUUM (ANALYZE): {vacuum.Elapsed.TotalSeconds:F1} s"));

        var counts = await ReadCountsAsync(connection);
        await log.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"  {counts} in {total.Elapsed.TotalSeconds:F1} s"));
        return counts with { GenerationTime = total.Elapsed };
    }

    private static async Task FillPoolAsync(NpgsqlConnection connection)
    {
        var faker = new Faker { Random = new Randomizer(7007) };
        await using var importer = await connection.BeginBinaryImportAsync("COPY bench_pool (n, ir, code, prompt) FROM STDIN (FORMAT BINARY)");
        for (var n = 0; n < PoolSize; n++)
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(n, NpgsqlDbType.Integer);
            await importer.WriteAsync(IrDocumentFaker.Generate(faker).GetRawText(), NpgsqlDbType.Jsonb);
            await importer.WriteAsync(SessionTextFaker.Code(faker), NpgsqlDbType.Text);
            await importer.WriteAsync(SessionTextFaker.Prompt(faker), NpgsqlDbType.Text);
        }

        await importer.CompleteAsync();
    }

    private static async Task<DatasetCounts> ReadCountsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM session_revisions),
                   (SELECT count(*) FROM session_drafts), (SELECT count(*) FROM hole_resolutions),
                   pg_database_size(current_database())
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new DatasetCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), TimeSpan.Zero);
    }

    private static async Task TimedAsync(NpgsqlConnection connection, TextWriter log, string table, string sql)
    {
        var stopwatch = Stopwatch.StartNew();
        var rows = await ExecuteAsync(connection, sql);
        await log.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"  {table}: {rows:N0} rows in {stopwatch.Elapsed.TotalSeconds:F1} s"));
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await command.ExecuteNonQueryAsync();
    }
}
