using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.EfCore.Tests.Security;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Triggers;

/// <summary>
/// The triggers when the writer is a signed-in user (role <c>authenticated</c> under row-level security, connected as
/// the application's NOINHERIT login), who may not write the counters or <c>updated_at</c> themselves.
/// </summary>
public sealed class CounterTriggersUnderRowLevelSecurityTests
{
    private TestDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [Test]
    public async Task Signed_in_users_inserts_deletes_moves_and_cascades_keep_exact_counters()
    {
        var (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        await using var asAlice = await ActorConnections.OpenAsync(database, Actor.Owner, alice, bob);
        var (kept, doomed) = (await SqlRows.InsertSessionAsync(asAlice, alice), await SqlRows.InsertSessionAsync(asAlice, alice));

        foreach (var table in ChildRows.Tables)
        {
            await ChildRows.InsertAsync(asAlice, table, [(kept, 1), (kept, 2), (kept, 3), (doomed, 4), (doomed, 5)]);
            if (table == "session_revisions")
            {
                // IR history is append-only for users: a revision leaves only with its session (the cascade below).
                continue;
            }

            await asAlice.ExecuteAsync($"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE session_id = $1 LIMIT 1)", kept);
            await asAlice.ExecuteAsync($"UPDATE {table} SET session_id = $2 WHERE id IN (SELECT id FROM {table} WHERE session_id = $1 LIMIT 1)", doomed, kept);
        }

        await asAlice.ExecuteAsync("DELETE FROM sessions WHERE id = $1", doomed);
        var seenByAlice = await ChildRows.CountersAsync(asAlice, kept);

        await using var owner = await database.OpenOwnerConnectionAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(seenByAlice, Is.EqualTo((3, 3, 3)));
            Assert.That(await ChildRows.MismatchesAsync(owner), Is.Empty);
            Assert.That(await owner.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE id = $1", doomed), Is.Zero);
        });
    }

    [Test]
    public async Task Signed_in_users_update_moves_updated_at_which_they_may_not_write()
    {
        var alice = Guid.NewGuid();
        await using var asAlice = await ActorConnections.OpenAsync(database, Actor.Owner, alice, Guid.NewGuid());
        var session = await SqlRows.InsertSessionAsync(asAlice, alice);
        var before = await asAlice.ScalarAsync<DateTime>("SELECT updated_at FROM sessions WHERE id = $1", session);

        var after = await asAlice.ScalarAsync<DateTime>(
            "UPDATE sessions SET status = 'paused' WHERE id = $1 RETURNING updated_at", session);
        var canWrite = await asAlice.ScalarAsync<bool>("SELECT has_column_privilege('sessions', 'updated_at', 'UPDATE')");

        Assert.Multiple(() =>
        {
            Assert.That(after, Is.GreaterThan(before));
            Assert.That(canWrite, Is.False);
        });
    }

    [Test]
    public async Task Another_users_failed_insert_into_a_session_leaves_its_counter_alone()
    {
        var (alice, mallory) = (Guid.NewGuid(), Guid.NewGuid());
        await using var asAlice = await ActorConnections.OpenAsync(database, Actor.Owner, alice, mallory);
        var session = await SqlRows.InsertSessionAsync(asAlice, alice);
        await ChildRows.InsertAsync(asAlice, "session_drafts", session, 1, 2);
        await using var asMallory = await ActorConnections.OpenAsync(database, Actor.Owner, mallory, alice);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => ChildRows.InsertAsync(asMallory, "session_drafts", session, 3, 5));
        var deleted = await asMallory.ExecuteAsync("DELETE FROM session_drafts WHERE session_id = $1", session);

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.MessageText, Does.Contain("row-level security"));
            Assert.That(deleted, Is.Zero);
            Assert.That(await ChildRows.CounterAsync(asAlice, "session_drafts", session), Is.EqualTo(2));
        });
    }
}
