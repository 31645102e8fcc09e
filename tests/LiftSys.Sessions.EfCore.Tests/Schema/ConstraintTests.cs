using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Schema;

/// <summary>
/// What the database itself enforces, shown with plain SQL that skips the domain's guards: CHECK constraints,
/// uniqueness, cascades and SET NULL.
/// </summary>
public sealed class ConstraintTests
{
    private TestDatabase database = null!;
    private NpgsqlConnection connection = null!;

    private static IEnumerable<TestCaseData> AllowedValues() =>
        SchemaV1.ValueLists.SelectMany(list => list.Allowed.Select(v => new TestCaseData(list.Table, list.Column, v)));

    private static IEnumerable<TestCaseData> RejectedValues() =>
        SchemaV1.ValueLists.SelectMany(list => new[]
        {
            new TestCaseData(list.Table, list.Column, "bogus"),
            new TestCaseData(list.Table, list.Column, list.Allowed[0].ToUpperInvariant()),
            new TestCaseData(list.Table, list.Column, list.Allowed[0] + " "),
        });

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        database = await TestDatabase.CreateAsync();
        connection = await database.OpenOwnerConnectionAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await connection.DisposeAsync();
        await database.DisposeAsync();
    }

    [TestCaseSource(nameof(AllowedValues))]
    public async Task Value_list_check_accepts_every_allowed_value(string table, string column, string value)
    {
        var id = await InsertWithAsync(table, column, value);

        var stored = await connection.ScalarAsync<string>($"SELECT {column} FROM {table} WHERE id = $1", id);
        Assert.That(stored, Is.EqualTo(value));
    }

    [TestCaseSource(nameof(RejectedValues))]
    public async Task Value_list_check_rejects_other_values(string table, string column, string value)
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => InsertWithAsync(table, column, value));

        Assert.That((ex!.SqlState, ex.ConstraintName), Is.EqualTo((PostgresErrorCodes.CheckViolation, $"{table}_{column}_check")));
    }

    [TestCase("sessions", "original_input")]
    [TestCase("session_drafts", "code_content")]
    public async Task Length_check_rejects_empty_text(string table, string column)
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => InsertWithAsync(table, column, ""));

        Assert.That((ex!.SqlState, ex.ConstraintName), Is.EqualTo((PostgresErrorCodes.CheckViolation, $"{table}_{column}_check")));
    }

    [TestCase(0)]
    [TestCase(-5)]
    public async Task Revision_and_draft_numbers_must_be_positive(int number)
    {
        var sessionId = await SqlRows.InsertSessionAsync(connection);

        var revision = await Assert.ThrowsAsync<PostgresException>(() => SqlRows.InsertRevisionAsync(connection, sessionId, number));
        var draft = await Assert.ThrowsAsync<PostgresException>(() => SqlRows.InsertDraftAsync(connection, sessionId, number));

        Assert.Multiple(() =>
        {
            Assert.That(revision!.ConstraintName, Is.EqualTo("session_revisions_revision_number_check"));
            Assert.That(draft!.ConstraintName, Is.EqualTo("session_drafts_draft_number_check"));
        });
    }

    [TestCase("-0.01", false)]
    [TestCase("1.01", false)]
    [TestCase("0", true)]
    [TestCase("1", true)]
    [TestCase("0.5", true)]
    public async Task Confidence_score_must_be_between_zero_and_one(string score, bool accepted)
    {
        var sessionId = await SqlRows.InsertSessionAsync(connection);
        var values = new Dictionary<string, object?> { ["confidence_score"] = decimal.Parse(score, System.Globalization.CultureInfo.InvariantCulture) };

        Task Insert() => SqlRows.InsertResolutionAsync(connection, sessionId, "h", values);

        if (accepted)
        {
            await Assert.DoesNotThrowAsync(Insert);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(Insert);
            Assert.That(ex!.ConstraintName, Is.EqualTo("hole_resolutions_confidence_score_check"));
        }
    }

    [Test]
    public async Task Revision_number_is_unique_within_a_session_but_not_across_sessions()
    {
        var first = await SqlRows.InsertSessionAsync(connection);
        var second = await SqlRows.InsertSessionAsync(connection);
        await SqlRows.InsertRevisionAsync(connection, first, 1);
        await SqlRows.InsertRevisionAsync(connection, second, 1);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => SqlRows.InsertRevisionAsync(connection, first, 1));

        Assert.That((ex!.SqlState, ex.ConstraintName),
            Is.EqualTo((PostgresErrorCodes.UniqueViolation, "session_revisions_session_id_revision_number_key")));
    }

    [Test]
    public async Task Draft_number_is_unique_within_a_session()
    {
        var sessionId = await SqlRows.InsertSessionAsync(connection);
        await SqlRows.InsertDraftAsync(connection, sessionId, 1);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => SqlRows.InsertDraftAsync(connection, sessionId, 1));

        Assert.That(ex!.ConstraintName, Is.EqualTo("session_drafts_session_id_draft_number_key"));
    }

    [Test]
    public async Task Hole_is_resolved_once_per_revision()
    {
        var sessionId = await SqlRows.InsertSessionAsync(connection);
        var revisionId = await SqlRows.InsertRevisionAsync(connection, sessionId, 1);
        var values = new Dictionary<string, object?> { ["ir_revision_id"] = revisionId };
        await SqlRows.InsertResolutionAsync(connection, sessionId, "h1", values);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => SqlRows.InsertResolutionAsync(connection, sessionId, "h1", values));

        Assert.That(ex!.ConstraintName, Is.EqualTo("hole_resolutions_session_id_ir_revision_id_hole_id_key"));
    }

    [Test]
    public async Task Hole_without_revision_can_be_resolved_again_because_nulls_are_distinct()
    {
        // UNIQUE treats NULLs as distinct (PostgreSQL's default, kept by the spec). This is also what lets deleting a
        // revision SET NULL on several resolutions of the same hole without a unique violation.
        var sessionId = await SqlRows.InsertSessionAsync(connection);
        await SqlRows.InsertResolutionAsync(connection, sessionId, "h1");

        await Assert.DoesNotThrowAsync(() => SqlRows.InsertResolutionAsync(connection, sessionId, "h1"));
    }

    [Test]
    public async Task Deleting_a_session_cascades_to_revisions_drafts_and_resolutions()
    {
        var sessionId = await SqlRows.InsertSessionAsync(connection);
        var revisionId = await SqlRows.InsertRevisionAsync(connection, sessionId, 1);
        await SqlRows.InsertDraftAsync(connection, sessionId, 1, new Dictionary<string, object?> { ["ir_revision_id"] = revisionId });
        await SqlRows.InsertResolutionAsync(connection, sessionId, "h1", new Dictionary<string, object?> { ["ir_revision_id"] = revisionId });

        await connection.ExecuteAsync("DELETE FROM sessions WHERE id = $1", sessionId);

        var remaining = await connection.ScalarAsync<long>(
            """
            SELECT (SELECT count(*) FROM session_revisions WHERE session_id = $1)
                 + (SELECT count(*) FROM session_drafts WHERE session_id = $1)
                 + (SELECT count(*) FROM hole_resolutions WHERE session_id = $1)
            """,
            sessionId);
        Assert.That(remaining, Is.Zero);
    }

    [Test]
    public async Task Deleting_a_revision_sets_null_on_drafts_and_resolutions_that_used_it()
    {
        var sessionId = await SqlRows.InsertSessionAsync(connection);
        var revisionId = await SqlRows.InsertRevisionAsync(connection, sessionId, 1);
        var draftId = await SqlRows.InsertDraftAsync(connection, sessionId, 1, new Dictionary<string, object?> { ["ir_revision_id"] = revisionId });
        var resolutionId = await SqlRows.InsertResolutionAsync(
            connection, sessionId, "h1", new Dictionary<string, object?> { ["ir_revision_id"] = revisionId });

        await connection.ExecuteAsync("DELETE FROM session_revisions WHERE id = $1", revisionId);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await connection.ScalarAsync<Guid?>("SELECT ir_revision_id FROM session_drafts WHERE id = $1", draftId), Is.Null);
            Assert.That(await connection.ScalarAsync<Guid?>("SELECT ir_revision_id FROM hole_resolutions WHERE id = $1", resolutionId), Is.Null);
            Assert.That(await connection.ScalarAsync<long>("SELECT count(*) FROM session_drafts WHERE id = $1", draftId), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Ids_default_to_gen_random_uuid_for_rows_written_by_other_clients()
    {
        var id = await connection.ScalarAsync<Guid>(
            "INSERT INTO sessions (user_id, original_input) VALUES ($1, 'psql') RETURNING id", Guid.NewGuid());

        Assert.That(id, Is.Not.EqualTo(Guid.Empty));
    }

    private async Task<Guid> InsertWithAsync(string table, string column, object value)
    {
        var values = new Dictionary<string, object?> { [column] = value };
        if (table == "sessions")
        {
            return await SqlRows.InsertSessionAsync(connection, values: values);
        }

        var sessionId = await SqlRows.InsertSessionAsync(connection);
        return table switch
        {
            "session_revisions" => await SqlRows.InsertRevisionAsync(connection, sessionId, 1, values),
            "session_drafts" => await SqlRows.InsertDraftAsync(connection, sessionId, 1, values),
            "hole_resolutions" => await SqlRows.InsertResolutionAsync(connection, sessionId, "h1", values),
            _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
        };
    }
}
