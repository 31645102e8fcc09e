using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Triggers;

/// <summary>
/// <c>trigger_sessions_updated_at</c>: every UPDATE of a session stamps <c>updated_at</c> with the transaction's time, or
/// one microsecond past the previous value when that is later, so the optimistic-concurrency token always moves forward.
/// </summary>
public sealed class UpdatedAtTriggerTests
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
    public async Task Update_moves_updated_at_to_the_updating_transactions_time_and_leaves_created_at()
    {
        var session = await SqlRows.InsertSessionAsync(connection);
        var before = await TimesAsync(session);

        var now = await connection.ScalarAsync<DateTime>("UPDATE sessions SET status = 'paused' WHERE id = $1 RETURNING now()", session);
        var after = await TimesAsync(session);

        Assert.Multiple(() =>
        {
            Assert.That(after.UpdatedAt, Is.EqualTo(now).And.GreaterThan(before.UpdatedAt));
            Assert.That(after.CreatedAt, Is.EqualTo(before.CreatedAt));
        });
    }

    [Test]
    public async Task Explicit_updated_at_is_replaced_by_now()
    {
        var session = await SqlRows.InsertSessionAsync(connection);

        var (updatedAt, now) = await ReadPairAsync(
            "UPDATE sessions SET updated_at = '2000-01-01T00:00:00Z' WHERE id = $1 RETURNING updated_at, now()", session);

        Assert.That(updatedAt, Is.EqualTo(now));
    }

    [Test]
    public async Task Updates_in_one_transaction_each_move_updated_at_forward()
    {
        var session = await SqlRows.InsertSessionAsync(connection);
        await using var transaction = await connection.BeginTransactionAsync();

        var first = await connection.ScalarAsync<DateTime>("UPDATE sessions SET status = 'paused' WHERE id = $1 RETURNING updated_at", session);
        var second = await connection.ScalarAsync<DateTime>("UPDATE sessions SET status = 'active' WHERE id = $1 RETURNING updated_at", session);
        await transaction.CommitAsync();

        Assert.That(second, Is.EqualTo(first.AddTicks(TimeSpan.TicksPerMicrosecond)), "now() is the same inside one transaction");
    }

    [Test]
    public async Task Update_from_a_transaction_that_started_before_the_last_one_never_moves_updated_at_back()
    {
        var session = await SqlRows.InsertSessionAsync(connection);
        await using var late = await database.OpenOwnerConnectionAsync();
        await using var earlier = await late.BeginTransactionAsync();
        var earlierNow = await late.ScalarAsync<DateTime>("SELECT now()");
        var committed = await connection.ScalarAsync<DateTime>("UPDATE sessions SET status = 'paused' WHERE id = $1 RETURNING updated_at", session);

        var fromEarlier = await late.ScalarAsync<DateTime>("UPDATE sessions SET status = 'active' WHERE id = $1 RETURNING updated_at", session);
        await earlier.CommitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(earlierNow, Is.LessThan(committed));
            Assert.That(fromEarlier, Is.EqualTo(committed.AddTicks(TimeSpan.TicksPerMicrosecond)));
        });
    }

    [Test]
    public async Task Adding_a_child_counts_as_a_change_of_its_session()
    {
        var session = await SqlRows.InsertSessionAsync(connection);
        var before = await TimesAsync(session);

        await ChildRows.InsertAsync(connection, "session_drafts", session, 1, 1);

        Assert.That((await TimesAsync(session)).UpdatedAt, Is.GreaterThan(before.UpdatedAt));
    }

    [Test]
    public async Task SaveChanges_reads_back_the_updated_at_the_trigger_set()
    {
        var session = Session.StartFromPrompt(Guid.NewGuid(), "pause me");
        await using var context = database.CreateOwnerContext();
        context.Add(session);
        await context.SaveChangesAsync();
        var inserted = session.UpdatedAt;

        session.Pause();
        await context.SaveChangesAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(session.UpdatedAt, Is.GreaterThan(inserted));
            Assert.That(session.UpdatedAt.UtcDateTime, Is.EqualTo((await TimesAsync(session.Id)).UpdatedAt));
        });
    }

    private async Task<(DateTime CreatedAt, DateTime UpdatedAt)> TimesAsync(Guid session) =>
        await ReadPairAsync("SELECT created_at, updated_at FROM sessions WHERE id = $1", session);

    private async Task<(DateTime, DateTime)> ReadPairAsync(string sql, Guid session)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = session } } };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True, "one row");
        return (reader.GetDateTime(0), reader.GetDateTime(1));
    }
}
