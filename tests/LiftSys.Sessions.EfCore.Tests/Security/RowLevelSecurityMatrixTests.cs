using System.Text.RegularExpressions;
using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// Every table × every operation × every kind of caller, connected as the application's NOINHERIT login (row-level
/// security proves nothing for a superuser, a BYPASSRLS role or the tables' owner). Each case sets up its own rows as
/// the service role, acts, asserts the outcome, and checks through the service role that nothing it must not touch
/// changed. The same matrix runs again with Npgsql's automatic preparation on, with the same expectations: one physical
/// connection then serves the service role, the owner and the other user in turn with the same prepared statements.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class RowLevelSecurityMatrixTests(bool maxAutoPrepare)
{
    private static readonly string[] Tables = ["sessions", "session_revisions", "session_drafts", "hole_resolutions"];
    private static readonly string[] Operations = ["select", "insert", "update", "delete"];

    private TestDatabase database = null!;
    private string appConnectionString = null!;

    private static IEnumerable<TestCaseData> Matrix() =>
        from table in Tables
        from operation in Operations
        from actor in Enum.GetValues<Actor>()
        select new TestCaseData(table, operation, actor, Expected(table, operation, actor)).SetArgDisplayNames(table, operation, actor.ToString());

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        database = await TestDatabase.CreateAsync();

        // Min usages 1: every statement is prepared on its first use, so the matrix's few statements are prepared while
        // the first actors use them and then executed, by name, for every other actor on the same physical connection.
        appConnectionString = new NpgsqlConnectionStringBuilder(database.Server.AppConnectionString(database.Name))
        {
            MaxAutoPrepare = maxAutoPrepare ? 50 : 0,
            AutoPrepareMinUsages = 1,
        }.ConnectionString;
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [TestCaseSource(nameof(Matrix))]
    public async Task Operation_as_actor_has_the_expected_outcome(string table, string operation, Actor actor, Outcome expected)
    {
        var (owner, other) = (Guid.NewGuid(), Guid.NewGuid());
        var rows = await SeedAsync(owner);
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, actor, owner, other);

        var outcome = await TryAsync(() => ActAsync(connection, table, operation, rows, owner));

        Assert.That(outcome, Is.EqualTo(expected));
        if (expected.Rows is null or 0)
        {
            Assert.That(await FingerprintAsync(table, rows), Is.EqualTo(rows.Fingerprints[table]), "the row must be unchanged");
        }
    }

    [Test]
    public async Task Child_table_policies_have_the_correlated_exists_form_of_migration_005()
    {
        // The set-based form, session_id IN (SELECT ... FROM sessions ...), was measured and rejected: it reads all of a
        // user's sessions in every statement, which makes keyed reads several times slower (docs/ARCHITECTURE.md).
        await using var connection = await database.OpenOwnerConnectionAsync();

        var forms = await connection.ScalarAsync<string[]>("""
            SELECT array_agg(DISTINCT CASE WHEN coalesce(qual, with_check) LIKE '(EXISTS%' THEN 'correlated EXISTS' ELSE 'other' END)
            FROM pg_policies WHERE schemaname = 'public' AND tablename IN ('session_revisions', 'session_drafts', 'hole_resolutions')
            """);

        Assert.That(forms, Is.EqualTo(new[] { "correlated EXISTS" }));
    }

    [Test]
    public async Task Statements_are_prepared_on_the_server_exactly_when_auto_prepare_is_on()
    {
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, Guid.NewGuid(), Guid.NewGuid());
        await connection.ScalarAsync<long>("SELECT count(*) FROM session_drafts");

        var prepared = await connection.ScalarAsync<long>("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%session_drafts%'");

        Assert.That(prepared, maxAutoPrepare ? Is.Positive : Is.Zero);
    }

    [Test]
    public async Task Insert_session_for_another_user_is_rejected_by_policy()
    {
        var (owner, other) = (Guid.NewGuid(), Guid.NewGuid());
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, owner, other);

        var outcome = await TryAsync(() => connection.ExecuteAsync(
            "INSERT INTO sessions (user_id, original_input) VALUES ($1, 'spoofed')", other));

        Assert.That(outcome, Is.EqualTo(Outcome.RlsViolation));
        Assert.That(await CountAsServiceAsync("SELECT count(*) FROM sessions WHERE user_id = $1", other), Is.Zero);
    }

    [Test]
    public async Task Handing_own_session_to_another_user_is_denied()
    {
        var (owner, other) = (Guid.NewGuid(), Guid.NewGuid());
        var rows = await SeedAsync(owner);
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, owner, other);

        var outcome = await TryAsync(() => connection.ExecuteAsync("UPDATE sessions SET user_id = $1 WHERE id = $2", other, rows.SessionId));

        Assert.That(outcome, Is.EqualTo(Outcome.PermissionDenied), "user_id is not updatable by authenticated at all");
        Assert.That(await CountAsServiceAsync("SELECT count(*) FROM sessions WHERE id = $1 AND user_id = $2", rows.SessionId, owner), Is.EqualTo(1));
    }

    [TestCase("session_drafts")]
    [TestCase("hole_resolutions")]
    public async Task Moving_own_child_row_into_another_users_session_is_rejected_by_policy(string table)
    {
        var (owner, other) = (Guid.NewGuid(), Guid.NewGuid());
        var mine = await SeedAsync(owner);
        var theirs = await SeedAsync(other);
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, owner, other);

        var outcome = await TryAsync(() => connection.ExecuteAsync(
            $"UPDATE {table} SET session_id = $1 WHERE id = $2", theirs.SessionId, mine.Ids[table]));

        Assert.That(outcome, Is.EqualTo(Outcome.RlsViolation));
        Assert.That(await CountAsServiceAsync($"SELECT count(*) FROM {table} WHERE session_id = $1", theirs.SessionId), Is.EqualTo(1));
    }

    [TestCase("session_revisions")]
    [TestCase("session_drafts")]
    [TestCase("hole_resolutions")]
    public async Task Inserting_into_another_users_session_is_rejected_by_policy(string table)
    {
        var (owner, other) = (Guid.NewGuid(), Guid.NewGuid());
        var theirs = await SeedAsync(other);
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, owner, other);

        var outcome = await TryAsync(() => InsertChildAsync(connection, table, theirs.SessionId, number: 2));

        Assert.That(outcome, Is.EqualTo(Outcome.RlsViolation));
    }

    [TestCase("session_drafts")]
    [TestCase("hole_resolutions")]
    public async Task Attaching_another_users_revision_to_own_row_violates_the_same_session_key(string table)
    {
        var (owner, other) = (Guid.NewGuid(), Guid.NewGuid());
        var mine = await SeedAsync(owner);
        var theirs = await SeedAsync(other);
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, owner, other);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => InsertChildAsync(
            connection, table, mine.SessionId, number: 2, irRevisionId: theirs.Ids["session_revisions"]));

        Assert.That((ex!.SqlState, ex.ConstraintName),
            Is.EqualTo((PostgresErrorCodes.ForeignKeyViolation, $"{table}_ir_revision_same_session_fkey")));
    }

    [Test]
    public async Task Moving_own_revision_to_another_session_is_denied_even_between_own_sessions()
    {
        var owner = Guid.NewGuid();
        var (mine, alsoMine) = (await SeedAsync(owner), await SeedAsync(owner));
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, owner, Guid.NewGuid());

        var outcome = await TryAsync(() => connection.ExecuteAsync(
            "UPDATE session_revisions SET session_id = $1 WHERE id = $2", alsoMine.SessionId, mine.Ids["session_revisions"]));

        Assert.That(outcome, Is.EqualTo(Outcome.PermissionDenied), "a revision belongs to the history it was appended to");
        Assert.That(await FingerprintAsync("session_revisions", mine), Is.EqualTo(mine.Fingerprints["session_revisions"]));
    }

    [Test]
    public async Task Deleting_a_revision_to_insert_another_under_its_id_is_denied_and_leaves_the_history_intact()
    {
        var owner = Guid.NewGuid();
        var rows = await SeedAsync(owner);
        var revisionId = rows.Ids["session_revisions"];
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, owner, Guid.NewGuid());

        var delete = await TryAsync(() => connection.ExecuteAsync("DELETE FROM session_revisions WHERE id = $1", revisionId));
        var reinsert = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "INSERT INTO session_revisions (id, session_id, revision_number, source, ir_content) VALUES ($1, $2, 1, 'user_edit', '{\"rewritten\":true}')",
            revisionId,
            rows.SessionId));

        Assert.Multiple(async () =>
        {
            Assert.That(delete, Is.EqualTo(Outcome.PermissionDenied));
            Assert.That(reinsert!.SqlState, Is.EqualTo(PostgresErrorCodes.UniqueViolation));
            Assert.That(await FingerprintAsync("session_revisions", rows), Is.EqualTo(rows.Fingerprints["session_revisions"]));
        });
    }

    [Test]
    public async Task Deleting_own_session_as_a_user_still_removes_its_revisions()
    {
        var owner = Guid.NewGuid();
        var rows = await SeedAsync(owner);
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, owner, Guid.NewGuid());
        Assert.That(await connection.ScalarAsync<bool>("SELECT has_table_privilege('session_revisions', 'DELETE')"), Is.False);

        var deleted = await connection.ExecuteAsync("DELETE FROM sessions WHERE id = $1", rows.SessionId);

        Assert.Multiple(async () =>
        {
            Assert.That(deleted, Is.EqualTo(1));
            foreach (var table in Tables)
            {
                Assert.That(await FingerprintAsync(table, rows), Is.Null, table);
            }
        });
    }

    [TestCase("session_drafts", "insert")]
    [TestCase("session_drafts", "update")]
    [TestCase("hole_resolutions", "insert")]
    [TestCase("hole_resolutions", "update")]
    public async Task Naming_another_users_revision_fails_exactly_as_naming_one_that_does_not_exist(string table, string operation)
    {
        var (owner, other) = (Guid.NewGuid(), Guid.NewGuid());
        var mine = await SeedAsync(owner);
        var theirs = await SeedAsync(other);

        // With the error detail PostgreSQL sends (Npgsql redacts it by default), so that all of it is compared.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(
            appConnectionString) { IncludeErrorDetail = true }.ConnectionString);
        await connection.OpenAsync();
        await ActorConnections.BecomeAsync(connection, "authenticated", ActorConnections.ClaimsJson("authenticated", owner));

        var forTheirs = await FailureAsync(connection, table, operation, mine, theirs.Ids["session_revisions"]);
        var forNobodys = await FailureAsync(connection, table, operation, mine, Guid.NewGuid());

        Assert.Multiple(() =>
        {
            Assert.That(forTheirs, Is.EqualTo(forNobodys));
            Assert.That(forTheirs.SqlState, Is.EqualTo(PostgresErrorCodes.ForeignKeyViolation));
        });
    }

    [TestCase("UPDATE sessions SET revision_count = 99 WHERE id = $1")]
    [TestCase("UPDATE sessions SET updated_at = now() - interval '1 day' WHERE id = $1")]
    [TestCase("UPDATE sessions SET created_at = now() - interval '1 day' WHERE id = $1")]
    [TestCase("UPDATE session_revisions SET revision_number = 7 WHERE session_id = $1")]
    [TestCase("UPDATE session_revisions SET ir_content = '{}' WHERE session_id = $1")]
    public async Task Database_owned_and_historical_columns_cannot_be_written_by_users(string sql)
    {
        var owner = Guid.NewGuid();
        var rows = await SeedAsync(owner);
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.Owner, owner, Guid.NewGuid());

        var outcome = await TryAsync(() => connection.ExecuteAsync(sql, rows.SessionId));

        Assert.That(outcome, Is.EqualTo(Outcome.PermissionDenied));
    }

    [Test]
    public async Task Authenticated_role_without_claims_sees_nothing_and_writes_nothing()
    {
        var rows = await SeedAsync(Guid.NewGuid());
        await using var connection = new NpgsqlConnection(appConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync("SELECT set_config('role', 'authenticated', false)");

        var visible = await connection.ScalarAsync<long>("SELECT count(*) FROM sessions");
        var insert = await TryAsync(() => connection.ExecuteAsync(
            "INSERT INTO sessions (user_id, original_input) VALUES ($1, 'x')", Guid.NewGuid()));

        Assert.Multiple(() =>
        {
            Assert.That(visible, Is.Zero);
            Assert.That(insert, Is.EqualTo(Outcome.RlsViolation));
            Assert.That(rows.SessionId, Is.Not.EqualTo(Guid.Empty));
        });
    }

    [Test]
    public async Task Claims_with_a_sub_that_is_not_a_uuid_fail_instead_of_matching_anything()
    {
        await SeedAsync(Guid.NewGuid());
        await using var connection = new NpgsqlConnection(appConnectionString);
        await connection.OpenAsync();
        await ActorConnections.BecomeAsync(connection, "authenticated", """{"sub":"' OR 1=1 --","role":"authenticated"}""");

        var ex = await Assert.ThrowsAsync<PostgresException>(() => connection.ScalarAsync<long>("SELECT count(*) FROM sessions"));

        Assert.That(ex!.SqlState, Is.EqualTo(PostgresErrorCodes.InvalidTextRepresentation));
    }

    private static Outcome Expected(string table, string operation, Actor actor) => (table, operation, actor) switch
    {
        (_, _, Actor.ServiceRole) => Outcome.Affects(1),
        (_, _, Actor.Anonymous or Actor.NoUser) => Outcome.PermissionDenied,

        // IR history is append-only for users (migration 008): nobody signed in may delete a revision.
        ("session_revisions", "delete", _) => Outcome.PermissionDenied,
        (_, "insert", Actor.OtherUser) => Outcome.RlsViolation,
        (_, _, Actor.OtherUser) => Outcome.Affects(0),
        _ => Outcome.Affects(1),
    };

    private static async Task<Outcome> TryAsync(Func<Task<long>> action)
    {
        try
        {
            return Outcome.Affects(await action());
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege
                                           && ex.MessageText.Contains("row-level security", StringComparison.Ordinal))
        {
            return Outcome.RlsViolation;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege
                                           && ex.MessageText.StartsWith("permission denied", StringComparison.Ordinal))
        {
            return Outcome.PermissionDenied;
        }
    }

    private static Task<Outcome> TryAsync(Func<Task<int>> action) => TryAsync(async () => (long)await action());

    /// <summary>
    /// What the caller learns from a write naming <paramref name="irRevisionId"/>: error code, constraint, and message
    /// and detail with every id masked (the ids differ by construction; their place and everything around them must not).
    /// </summary>
    private static async Task<(string SqlState, string? Constraint, string Message, string? Detail)> FailureAsync(
        NpgsqlConnection connection, string table, string operation, SeededRows mine, Guid irRevisionId)
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => operation == "insert"
            ? InsertChildAsync(connection, table, mine.SessionId, number: 2, irRevisionId)
            : connection.ExecuteAsync($"UPDATE {table} SET ir_revision_id = $1 WHERE id = $2", irRevisionId, mine.Ids[table]));
        return (ex!.SqlState, ex.ConstraintName, MaskIds(ex.MessageText), ex.Detail is { } detail ? MaskIds(detail) : null);
    }

    private static string MaskIds(string text) =>
        Regex.Replace(text, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", RegexOptions.None, TimeSpan.FromSeconds(1));

    private static async Task<long> ActAsync(NpgsqlConnection connection, string table, string operation, SeededRows rows, Guid owner)
    {
        var id = rows.Ids[table];
        return operation switch
        {
            "select" => (await connection.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE id = $1", id)),
            "insert" when table == "sessions" => await connection.ExecuteAsync(
                "INSERT INTO sessions (user_id, original_input) VALUES ($1, 'another')", owner),
            "insert" => await InsertChildAsync(connection, table, rows.SessionId, number: 2),
            "update" => await connection.ExecuteAsync($"UPDATE {table} SET metadata = '{{\"touched\":true}}' WHERE id = $1", id),
            "delete" => await connection.ExecuteAsync($"DELETE FROM {table} WHERE id = $1", id),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };
    }

    private static async Task<int> InsertChildAsync(NpgsqlConnection connection, string table, Guid sessionId, int number, Guid? irRevisionId = null) =>
        table switch
        {
            "session_revisions" => await connection.ExecuteAsync(
                "INSERT INTO session_revisions (session_id, revision_number, source, ir_content) VALUES ($1, $2, 'refinement', '{}')",
                sessionId, number),
            "session_drafts" => await connection.ExecuteAsync(
                "INSERT INTO session_drafts (session_id, draft_number, source, code_content, ir_revision_id) VALUES ($1, $2, 'user_edit', 'x', $3)",
                sessionId, number, (object?)irRevisionId ?? DBNull.Value),
            "hole_resolutions" => await connection.ExecuteAsync(
                "INSERT INTO hole_resolutions (session_id, hole_id, hole_type, resolution_method, resolved_value, ir_revision_id) VALUES ($1, $2, 'type', 'default', '1', $3)",
                sessionId, $"hole-{number}", (object?)irRevisionId ?? DBNull.Value),
            _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
        };

    private async Task<SeededRows> SeedAsync(Guid owner)
    {
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.ServiceRole, owner, owner);
        var sessionId = await SqlRows.InsertSessionAsync(connection, owner);
        var revisionId = await SqlRows.InsertRevisionAsync(connection, sessionId, 1);
        var ids = new Dictionary<string, Guid>
        {
            ["sessions"] = sessionId,
            ["session_revisions"] = revisionId,
            ["session_drafts"] = await SqlRows.InsertDraftAsync(connection, sessionId, 1),
            ["hole_resolutions"] = await SqlRows.InsertResolutionAsync(connection, sessionId, "hole-1"),
        };

        var rows = new SeededRows(sessionId, ids, new Dictionary<string, string?>());
        foreach (var table in Tables)
        {
            rows.Fingerprints[table] = await FingerprintAsync(table, rows);
        }

        return rows;
    }

    /// <summary>The whole row as text, read as the service role; null when the row is gone.</summary>
    private async Task<string?> FingerprintAsync(string table, SeededRows rows)
    {
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.ServiceRole, Guid.Empty, Guid.Empty);
        return await connection.ScalarAsync<string>($"SELECT t::text FROM {table} t WHERE id = $1", rows.Ids[table]);
    }

    private async Task<long> CountAsServiceAsync(string sql, params object[] parameters)
    {
        await using var connection = await ActorConnections.OpenAsync(appConnectionString, Actor.ServiceRole, Guid.Empty, Guid.Empty);
        return await connection.ScalarAsync<long>(sql, parameters);
    }

    private sealed record SeededRows(Guid SessionId, Dictionary<string, Guid> Ids, Dictionary<string, string?> Fingerprints);
}
