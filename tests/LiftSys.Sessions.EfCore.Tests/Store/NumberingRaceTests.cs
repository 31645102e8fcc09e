using System.Data.Common;
using System.Text.Json;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// Numbers are allocated under the session's row lock, so writers through the store never collide; a row written around
/// the store (here: by a superuser in replica mode, which takes no lock and fires no trigger) can still take the number
/// between the store's read and its insert. The unique key then refuses the insert, and the store starts again and
/// numbers after it — the collision is made to happen every time by a command interceptor that writes right after the
/// store's lock-and-read batch.
/// </summary>
public sealed class NumberingRaceTests
{
    private static readonly JsonElement Ir = JsonSerializer.SerializeToElement(new { step = 1 });

    private TestDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public Task DropDatabase() => database.DisposeAsync().AsTask();

    [Test]
    public async Task AppendRevision_number_taken_around_the_store_after_its_read_is_retried_and_numbered_after_it()
    {
        var (store, sneaker, sessionId) = await ArrangeAsync(
            "INSERT INTO session_revisions (id, session_id, revision_number, source, ir_content) VALUES (gen_random_uuid(), $1, 2, 'refinement', '{}')");

        var revision = await store.AppendRevisionAsync(sessionId, RevisionSource.Refinement, Ir);

        Assert.Multiple(async () =>
        {
            Assert.That(revision.RevisionNumber, Is.EqualTo(3));
            Assert.That(sneaker.LockBatches, Is.EqualTo(2), "the collision made the store start again once");
            Assert.That(await CountAsync("SELECT count(*) FROM session_revisions WHERE session_id = $1", sessionId), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task AddDraft_number_taken_around_the_store_after_its_read_is_retried_and_numbered_after_it()
    {
        var (store, sneaker, sessionId) = await ArrangeAsync(
            "INSERT INTO session_drafts (id, session_id, draft_number, source, code_content) VALUES (gen_random_uuid(), $1, 1, 'initial_generation', 'x = 0')");

        var draft = await store.AddDraftAsync(sessionId, DraftSource.LlmRegeneration, "x = 1");

        Assert.Multiple(async () =>
        {
            Assert.That(draft.DraftNumber, Is.EqualTo(2));
            Assert.That(sneaker.LockBatches, Is.EqualTo(2), "the collision made the store start again once");
            Assert.That(await CountAsync("SELECT count(*) FROM session_drafts WHERE session_id = $1", sessionId), Is.EqualTo(2));
        });
    }

    private async Task<(EfCoreSessionStore Store, NumberSneaker Sneaker, Guid SessionId)> ArrangeAsync(string sneakSql)
    {
        var sneaker = new NumberSneaker(database.SuperuserConnectionString, sneakSql);
        var store = InterceptedStore.Create(database, sneaker);
        var session = await store.CreateFromPromptAsync("raced numbers");
        await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir);
        sneaker.SessionId = session.Id;
        sneaker.LockBatches = 0;
        return (store, sneaker, session.Id);
    }

    private async Task<long> CountAsync(string sql, Guid sessionId)
    {
        await using var connection = new NpgsqlConnection(database.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = sessionId } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Writes a row with the next number right after the store's first lock-and-read batch has returned.</summary>
    private sealed class NumberSneaker(string superuserConnectionString, string sql) : DbCommandInterceptor
    {
        public Guid SessionId { get; set; }

        public int LockBatches { get; set; }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("liftsys_sessions_lock_session", StringComparison.Ordinal) && SessionId != Guid.Empty
                && LockBatches++ == 0)
            {
                // Replica mode: no foreign-key check (which would wait for the store's row lock) and no counter trigger.
                await using var connection = new NpgsqlConnection(superuserConnectionString);
                await connection.OpenAsync(cancellationToken);
                await using var replica = new NpgsqlCommand("SET session_replication_role = replica", connection);
                await replica.ExecuteNonQueryAsync(cancellationToken);
                await using var insert = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = SessionId } } };
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            return result;
        }
    }
}
