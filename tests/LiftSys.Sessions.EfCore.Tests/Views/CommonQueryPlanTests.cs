using System.Text.Json;
using LiftSys.Sessions.EfCore.ReadModels;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Views;

/// <summary>
/// At 100,000 sessions the spec's common queries, exactly as <see cref="SessionsDbContextQueryExtensions"/> sends them,
/// reach every table through the spec's indexes: the plan from <c>EXPLAIN (FORMAT JSON)</c> is asserted, not a time.
/// </summary>
public sealed class CommonQueryPlanTests
{
    private const int SessionCount = 100_000;
    private const int UserCount = 1_000;

    // An index whose first column is session_id serves a lookup by session equally well; the planner picks the
    // smallest. Besides the spec's named indexes these are the spec's UNIQUE constraints, migration 005's
    // (session_id, id) key and migration 008's (session_id, ir_revision_id) index that covers the same-session key.
    private static readonly string[] RevisionsBySession =
        ["idx_revisions_session_id", "idx_revisions_session_revision", "session_revisions_session_id_revision_number_key", "session_revisions_session_id_id_key"];

    private static readonly string[] DraftsBySession =
        ["idx_drafts_session_id", "idx_drafts_session_draft", "session_drafts_session_id_draft_number_key", "idx_drafts_session_ir_revision"];

    private static readonly string[] ResolutionsBySession =
        ["idx_resolutions_session_id", "hole_resolutions_session_id_ir_revision_id_hole_id_key"];

    private static readonly string[] SessionsByUser = ["idx_sessions_user_id", "idx_sessions_user_status"];

    private readonly CapturedCommands captured = new();
    private TestDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateLargeDatabase()
    {
        database = await TestDatabase.CreateAsync();
        await using var owner = await database.OpenOwnerConnectionAsync();
        await using (var transaction = await owner.BeginTransactionAsync())
        {
            // The counters are written with the rows (every even session has one revision, every session one draft,
            // every fourth one resolution), so the counter triggers are switched off for the load: they would rewrite
            // 100,000 sessions once per child table, which costs seconds and is not what is measured here.
            await owner.ExecuteAsync($$"""
                ALTER TABLE session_revisions DISABLE TRIGGER USER;
                ALTER TABLE session_drafts DISABLE TRIGGER USER;
                ALTER TABLE hole_resolutions DISABLE TRIGGER USER;

                INSERT INTO sessions (id, user_id, status, original_input, created_at, updated_at, revision_count, draft_count, hole_count)
                SELECT {{SessionId("i")}}, {{UserId("i")}},
                       (ARRAY['active', 'paused', 'finalized', 'error'])[1 + (i / {{UserCount}}) % 4],
                       'prompt ' || i, now() - make_interval(mins => i), now() - make_interval(secs => i),
                       (i % 2 = 0)::int, 1, (i % 4 = 0)::int
                FROM generate_series(1, {{SessionCount}}) AS i;

                INSERT INTO session_revisions (session_id, revision_number, source, ir_content)
                SELECT {{SessionId("i")}}, 1, 'initial', '{}' FROM generate_series(2, {{SessionCount}}, 2) AS i;

                INSERT INTO session_drafts (session_id, draft_number, source, code_content, syntax_valid, ast_valid, llm_cost_usd, llm_tokens_used)
                SELECT {{SessionId("i")}}, 1, 'initial_generation', 'pass', i % 3 > 0, i % 5 > 0, 0.001, 100
                FROM generate_series(1, {{SessionCount}}) AS i;

                INSERT INTO hole_resolutions (session_id, hole_id, hole_type, resolution_method, resolved_value)
                SELECT {{SessionId("i")}}, 'hole', 'type', 'default', '1' FROM generate_series(4, {{SessionCount}}, 4) AS i;

                ALTER TABLE session_revisions ENABLE TRIGGER USER;
                ALTER TABLE session_drafts ENABLE TRIGGER USER;
                ALTER TABLE hole_resolutions ENABLE TRIGGER USER;
                """);
            await transaction.CommitAsync();
        }

        await owner.ExecuteAsync("ANALYZE sessions, session_revisions, session_drafts, hole_resolutions");
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [Test]
    public async Task Active_sessions_of_a_user_use_idx_sessions_user_status()
    {
        var plan = await ExplainAsync(async context => await context.QueryActiveSessions(User(7)).ToListAsync());

        AssertIndexes(plan, ("sessions", ["idx_sessions_user_status"]));
    }

    [Test]
    public async Task Session_with_latest_revision_and_draft_uses_the_primary_key_and_the_session_number_indexes()
    {
        var plan = await ExplainAsync(async context => await context.FindSessionWithLatestAsync(Session(500)));

        AssertIndexes(
            plan,
            ("sessions", ["sessions_pkey"]),
            ("session_revisions", ["idx_revisions_session_revision", "session_revisions_session_id_revision_number_key"]),
            ("session_drafts", ["idx_drafts_session_draft", "session_drafts_session_id_draft_number_key"]));
    }

    [Test]
    public async Task Activity_timeline_of_a_session_reaches_every_table_by_session()
    {
        var plan = await ExplainAsync(async context => await context.QueryActivityTimeline(Session(500)).ToListAsync());

        AssertIndexes(
            plan,
            ("sessions", ["sessions_pkey"]),
            ("session_revisions", RevisionsBySession),
            ("session_drafts", DraftsBySession),
            ("hole_resolutions", ResolutionsBySession));
    }

    [Test]
    public async Task Cost_and_token_usage_of_a_user_reaches_sessions_by_user_and_drafts_by_session()
    {
        var plan = await ExplainAsync(async context => await context.GetUsageAsync(User(7)));

        AssertIndexes(plan, ("sessions", SessionsByUser), ("session_drafts", DraftsBySession));
    }

    [Test]
    public async Task Validation_success_rate_of_a_user_reaches_sessions_by_user_and_drafts_by_session()
    {
        var plan = await ExplainAsync(async context => await context.GetValidationSuccessRateAsync(User(7)));

        AssertIndexes(plan, ("sessions", SessionsByUser), ("session_drafts", DraftsBySession));
    }

    private static string SessionId(string i) => $"('00000000-0000-4000-8000-' || lpad(to_hex({i}), 12, '0'))::uuid";

    private static string UserId(string i) => $"('10000000-0000-4000-8000-' || lpad(to_hex({i} % {UserCount}), 12, '0'))::uuid";

    /// <summary>
    /// Asserts that no table is read by a sequential scan and that each listed table is read, and only through the
    /// listed indexes.
    /// </summary>
    private static void AssertIndexes(JsonElement plan, params (string Table, string[] Indexes)[] expected)
    {
        var reads = Reads(plan).ToArray();
        var description = string.Join("\n", reads.Select(r => $"{r.NodeType} on {r.Relation} using {r.Index ?? "-"}"));
        Assert.Multiple(() =>
        {
            Assert.That(reads.Where(r => r.Index is null).Select(r => $"{r.NodeType} on {r.Relation}"), Is.Empty, description);
            foreach (var (table, indexes) in expected)
            {
                var used = reads.Where(r => r.Relation == table).Select(r => r.Index).ToArray();
                Assert.That(used, Is.Not.Empty.And.All.AnyOf(indexes), $"{table}:\n{description}");
            }
        });
    }

    /// <summary>
    /// Every read of a table in the plan (sub-plans and init-plans included) with the index it goes through, or
    /// <see langword="null"/> for a sequential scan; a bitmap heap scan reads through the indexes of its bitmap scans.
    /// </summary>
    private static IEnumerable<(string NodeType, string Relation, string? Index)> Reads(JsonElement node)
    {
        var nodeType = node.GetProperty("Node Type").GetString()!;
        var relation = node.TryGetProperty("Relation Name", out var name) ? name.GetString() : null;
        if (nodeType == "Bitmap Heap Scan")
        {
            foreach (var index in BitmapIndexes(node))
            {
                yield return (nodeType, relation!, index);
            }

            yield break;
        }

        if (relation is not null)
        {
            yield return (nodeType, relation, node.TryGetProperty("Index Name", out var index) ? index.GetString() : null);
        }

        foreach (var read in Children(node).SelectMany(Reads))
        {
            yield return read;
        }
    }

    private static IEnumerable<string> BitmapIndexes(JsonElement node) =>
        Children(node).SelectMany(child => child.TryGetProperty("Index Name", out var index) ? [index.GetString()!] : BitmapIndexes(child));

    private static JsonElement[] Children(JsonElement node) =>
        node.TryGetProperty("Plans", out var plans) ? [.. plans.EnumerateArray()] : [];

    private static Guid Session(int i) => Guid.Parse($"00000000-0000-4000-8000-{i:x12}");

    private static Guid User(int i) => Guid.Parse($"10000000-0000-4000-8000-{i % UserCount:x12}");

    /// <summary>Runs the query through EF, then EXPLAINs the one command it sent, with the same parameter values.</summary>
    private async Task<JsonElement> ExplainAsync(Func<SessionsDbContext, Task> query)
    {
        captured.Clear();
        await using (var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
                         .UseNpgsql(database.OwnerConnectionString)
                         .AddInterceptors(captured)
                         .Options))
        {
            await query(context);
        }

        var (sql, parameters) = captured.Single;
        await using var connection = await database.OpenOwnerConnectionAsync();
        await using var explain = new NpgsqlCommand($"EXPLAIN (FORMAT JSON) {sql}", connection);
        explain.Parameters.AddRange(parameters);
        var json = (string)(await explain.ExecuteScalarAsync())!;
        using var document = JsonDocument.Parse(json);
        return document.RootElement[0].GetProperty("Plan").Clone();
    }
}
