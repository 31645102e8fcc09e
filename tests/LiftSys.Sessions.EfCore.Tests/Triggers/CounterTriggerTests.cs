using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Fakers;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Triggers;

/// <summary>
/// The counter triggers of migration 006, one path at a time: multi-row statements, cascades, moves between sessions,
/// rollbacks, a hostile search_path, and EF's own inserts.
/// </summary>
public sealed class CounterTriggerTests
{
    private TestDatabase database = null!;
    private NpgsqlConnection connection = null!;

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

    [Test]
    public async Task Multi_row_insert_across_sessions_counts_every_row_of_each_session()
    {
        var (a, b) = (await SqlRows.InsertSessionAsync(connection), await SqlRows.InsertSessionAsync(connection));
        (Guid, int)[] rows = [(a, 1), (b, 1), (a, 2), (a, 3), (b, 2)];

        foreach (var table in ChildRows.Tables)
        {
            await ChildRows.InsertAsync(connection, table, rows);
        }

        Assert.That(
            (await ChildRows.CountersAsync(connection, a), await ChildRows.CountersAsync(connection, b)),
            Is.EqualTo(((3, 3, 3), (2, 2, 2))));
    }

    [Test]
    public async Task Multi_row_delete_subtracts_the_rows_deleted_from_each_session()
    {
        var (a, b) = (await SqlRows.InsertSessionAsync(connection), await SqlRows.InsertSessionAsync(connection));
        foreach (var table in ChildRows.Tables)
        {
            await ChildRows.InsertAsync(connection, table, a, 1, 5);
            await ChildRows.InsertAsync(connection, table, b, 1, 4);
        }

        await connection.ExecuteAsync("DELETE FROM session_revisions WHERE session_id = ANY($1) AND revision_number <= 2", new[] { a, b });
        await connection.ExecuteAsync("DELETE FROM session_drafts WHERE session_id = ANY($1) AND draft_number > 3", new[] { a, b });
        await connection.ExecuteAsync("DELETE FROM hole_resolutions WHERE session_id = $1", a);

        Assert.That(
            (await ChildRows.CountersAsync(connection, a), await ChildRows.CountersAsync(connection, b)),
            Is.EqualTo(((3, 3, 0), (2, 3, 4))));
    }

    [Test]
    public async Task Deleting_a_session_cascades_to_its_children_and_leaves_other_sessions_counters_alone()
    {
        var (doomed, kept) = (await SqlRows.InsertSessionAsync(connection), await SqlRows.InsertSessionAsync(connection));
        foreach (var table in ChildRows.Tables)
        {
            await ChildRows.InsertAsync(connection, table, [(doomed, 1), (kept, 1), (doomed, 2)]);
        }

        var deleted = await connection.ExecuteAsync("DELETE FROM sessions WHERE id = $1", doomed);

        Assert.Multiple(async () =>
        {
            Assert.That(deleted, Is.EqualTo(1));
            Assert.That(await ChildRows.CountersAsync(connection, kept), Is.EqualTo((1, 1, 1)));
            Assert.That(await connection.ScalarAsync<long>(
                "SELECT (SELECT count(*) FROM session_revisions WHERE session_id = $1) + (SELECT count(*) FROM session_drafts WHERE session_id = $1) + (SELECT count(*) FROM hole_resolutions WHERE session_id = $1)",
                doomed), Is.Zero);
            Assert.That(await ChildRows.MismatchesAsync(connection), Is.Empty);
        });
    }

    [TestCase("session_revisions")]
    [TestCase("session_drafts")]
    [TestCase("hole_resolutions")]
    public async Task Moving_a_child_to_another_session_moves_its_count_and_other_updates_change_nothing(string table)
    {
        var (from, to) = (await SqlRows.InsertSessionAsync(connection), await SqlRows.InsertSessionAsync(connection));
        await ChildRows.InsertAsync(connection, table, from, 1, 3);
        await ChildRows.InsertAsync(connection, table, to, 10, 1);

        await connection.ExecuteAsync($"UPDATE {table} SET session_id = $2 WHERE id IN (SELECT id FROM {table} WHERE session_id = $1 LIMIT 2)", from, to);
        await connection.ExecuteAsync($"UPDATE {table} SET metadata = '{{\"touched\":true}}', session_id = session_id WHERE session_id = ANY($1)", new[] { from, to });

        Assert.That(
            (await ChildRows.CounterAsync(connection, table, from), await ChildRows.CounterAsync(connection, table, to)),
            Is.EqualTo((1, 3)));
    }

    [Test]
    public async Task Rolled_back_inserts_and_deletes_leave_the_counters_unchanged()
    {
        var session = await SqlRows.InsertSessionAsync(connection);
        foreach (var table in ChildRows.Tables)
        {
            await ChildRows.InsertAsync(connection, table, session, 1, 2);
        }

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            foreach (var table in ChildRows.Tables)
            {
                await ChildRows.InsertAsync(connection, table, session, 3, 4);
            }

            await connection.ExecuteAsync("DELETE FROM session_revisions WHERE session_id = $1", session);
            Assert.That(await ChildRows.CountersAsync(connection, session), Is.EqualTo((0, 6, 6)), "inside the transaction");
            await transaction.RollbackAsync();
        }

        Assert.That(await ChildRows.CountersAsync(connection, session), Is.EqualTo((2, 2, 2)));
    }

    [Test]
    public async Task Counter_functions_update_their_own_sessions_table_whatever_the_callers_search_path()
    {
        var session = await SqlRows.InsertSessionAsync(connection);
        await using var shadowed = await database.OpenOwnerConnectionAsync();
        await shadowed.ExecuteAsync("""
            CREATE SCHEMA shadow;
            CREATE TABLE shadow.sessions (id uuid PRIMARY KEY, revision_count integer NOT NULL DEFAULT 0);
            """);
        await shadowed.ExecuteAsync("INSERT INTO shadow.sessions (id) VALUES ($1)", session);
        await shadowed.ExecuteAsync("SET search_path = shadow, public");

        await ChildRows.InsertAsync(shadowed, "session_revisions", session, 1, 2);

        Assert.Multiple(async () =>
        {
            Assert.That(await ChildRows.CounterAsync(connection, "session_revisions", session), Is.EqualTo(2));
            Assert.That(await connection.ScalarAsync<int>("SELECT revision_count FROM shadow.sessions WHERE id = $1", session), Is.Zero);
        });
    }

    [Test]
    public async Task SaveChanges_of_a_session_with_children_in_one_batch_leaves_exact_counters()
    {
        var session = Session.StartFromPrompt(Guid.NewGuid(), "count my children");
        var revisions = Enumerable.Range(1, 3)
            .Select(n => SessionRevision.Create(session.Id, n, n == 1 ? RevisionSource.Initial : RevisionSource.Refinement, FakeJson.Parse("{}")))
            .ToArray();
        var draft = SessionDraft.Create(session.Id, 1, DraftSource.InitialGeneration, "pass", new SessionDraftDetails { IrRevisionId = revisions[0].Id });
        await using (var context = database.CreateOwnerContext())
        {
            context.Add(session);
            context.AddRange(revisions);
            context.Add(draft);
            await context.SaveChangesAsync();
        }

        await using var reader = database.CreateOwnerContext();
        var stored = await reader.Sessions.AsNoTracking().SingleAsync(s => s.Id == session.Id);

        Assert.That((stored.RevisionCount, stored.DraftCount, stored.HoleCount), Is.EqualTo((3, 1, 0)));
    }

    [Test]
    public async Task Truncating_a_child_table_zeroes_its_counter()
    {
        await using var own = await TestDatabase.CreateAsync();
        await using var owner = await own.OpenOwnerConnectionAsync();
        var session = await SqlRows.InsertSessionAsync(owner);
        foreach (var table in ChildRows.Tables)
        {
            await ChildRows.InsertAsync(owner, table, session, 1, 2);
        }

        await owner.ExecuteAsync("TRUNCATE session_drafts, hole_resolutions");

        Assert.Multiple(async () =>
        {
            Assert.That(await ChildRows.CountersAsync(owner, session), Is.EqualTo((2, 0, 0)));
            Assert.That(await ChildRows.MismatchesAsync(owner), Is.Empty);
        });
    }
}
