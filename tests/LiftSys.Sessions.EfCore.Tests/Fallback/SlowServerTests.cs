using System.Text.Json;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// A slow or busy server that still accepts connections must never trip the fallback: a lock held past the command
/// timeout, an exhausted connection pool, a backend terminated mid-command. Each fails its own operations, and the
/// next session is still created in PostgreSQL.
/// </summary>
public sealed class SlowServerTests
{
    private static readonly Guid Alice = Guid.Parse("5a1ce000-0000-4000-8000-00000000510e");

    [Test]
    public async Task Lock_held_past_the_command_timeout_fails_the_operation_but_never_trips()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var host = FallbackHost.Start(database.Server.AppConnectionString(database.Name), o => o.CommandTimeout = TimeSpan.FromSeconds(1));
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        var session = await host.Store.CreateFromPromptAsync("locked by somebody else");

        var failures = new List<Exception>();
        await using (var locker = await database.OpenSuperuserConnectionAsync())
        await using (var transaction = await locker.BeginTransactionAsync())
        {
            await locker.ExecuteAsync("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", session.Id);
            for (var attempt = 0; attempt < 3; attempt++)
            {
                failures.Add(await FailureOfAsync(() => host.Store.AppendRevisionAsync(session.Id, RevisionSource.UserEdit, Ir(attempt))));
            }
        }

        var next = await host.Store.CreateFromPromptAsync("after the lock");
        Assert.Multiple(() =>
        {
            // A timeout is the store's own timeout failure, not "unavailable": the server is slow, not gone.
            Assert.That(failures, Has.Count.EqualTo(3).And.All.InstanceOf<SessionStoreTimeoutException>());
            Assert.That(failures.Select(f => f.GetBaseException()), Has.All.InstanceOf<TimeoutException>().Or.InstanceOf<PostgresException>());
            Assert.That(host.State.Trips, Is.Zero);
            Assert.That(host.Memory.Holds(next.Id), Is.False, "created in PostgreSQL");
        });
        await using var owner = await database.OpenOwnerConnectionAsync();
        Assert.That(await owner.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE id = $1", next.Id), Is.EqualTo(1));
    }

    [Test]
    public async Task Exhausted_connection_pool_fails_the_waiting_operations_but_never_trips()
    {
        await using var database = await TestDatabase.CreateAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(database.Server.AppConnectionString(database.Name)) { MaxPoolSize = 1, Timeout = 1 }.ConnectionString;
        await using var host = FallbackHost.Start(connectionString, o => o.CommandTimeout = TimeSpan.FromSeconds(60));
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        var session = await host.Store.CreateFromPromptAsync("holds the only connection");

        var failures = new List<Exception>();
        await using (var locker = await database.OpenSuperuserConnectionAsync())
        {
            await using var transaction = await locker.BeginTransactionAsync();
            await locker.ExecuteAsync("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", session.Id);

            // This append waits for the lock on the pool's only connection; everything else waits for the pool.
            var holder = host.Store.AppendRevisionAsync(session.Id, RevisionSource.UserEdit, Ir(0));
            await using (var watcher = await database.OpenSuperuserConnectionAsync())
            {
                await WaitForLockWaiterAsync(watcher, database.Name);
            }

            for (var attempt = 0; attempt < 3; attempt++)
            {
                failures.Add(await FailureOfAsync(() => host.Store.ListActiveAsync(PageRequest.First())));
            }

            await transaction.RollbackAsync();
            await holder;
        }

        var next = await host.Store.CreateFromPromptAsync("after the burst");
        Assert.Multiple(() =>
        {
            // A timeout is the store's own timeout failure, not "unavailable": the server is slow, not gone.
            Assert.That(failures, Has.Count.EqualTo(3).And.All.InstanceOf<SessionStoreTimeoutException>());
            Assert.That(failures.Select(f => f.GetBaseException()), Has.All.InstanceOf<TimeoutException>());
            Assert.That(host.State.Trips, Is.Zero);
            Assert.That(host.Memory.Holds(next.Id), Is.False, "created in PostgreSQL");
        });
    }

    [Test]
    public async Task Backend_terminated_mid_command_on_a_reachable_server_never_trips()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var host = FallbackHost.Start(database.Server.AppConnectionString(database.Name), o => o.CommandTimeout = TimeSpan.FromSeconds(30));
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        var session = await host.Store.CreateFromPromptAsync("its backend is terminated");

        var failures = new List<Exception>();
        await using (var locker = await database.OpenSuperuserConnectionAsync())
        {
            await using var transaction = await locker.BeginTransactionAsync();
            await locker.ExecuteAsync("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", session.Id);
            await using var killer = await database.OpenSuperuserConnectionAsync();
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var blocked = FailureOfAsync(() => host.Store.AppendRevisionAsync(session.Id, RevisionSource.UserEdit, Ir(attempt)));
                await WaitForLockWaiterAsync(killer, database.Name);
                await killer.ExecuteAsync(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", database.Name);
                failures.Add(await blocked);
            }
        }

        var next = await host.Store.CreateFromPromptAsync("after the terminations");
        Assert.Multiple(() =>
        {
            // The store reports a terminated backend as unavailable (transient, retry later); what must not happen is
            // the breaker taking it for an outage of the whole server.
            Assert.That(failures, Has.Count.EqualTo(3).And.All.InstanceOf<SessionStoreUnavailableException>());
            Assert.That(failures.Select(f => (f.GetBaseException() as PostgresException)?.SqlState), Has.All.EqualTo(PostgresErrorCodes.AdminShutdown));
            Assert.That(host.State.Trips, Is.Zero);
            Assert.That(host.Memory.Holds(next.Id), Is.False, "created in PostgreSQL");
        });
    }

    private static JsonElement Ir(int n) => JsonSerializer.SerializeToElement(new { step = n });

    private static async Task WaitForLockWaiterAsync(NpgsqlConnection connection, string database)
    {
        for (var poll = 0; poll < 200; poll++)
        {
            if (await connection.ScalarAsync<long>(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", database) > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The append never waited for the lock.");
    }

    private static async Task<Exception> FailureOfAsync(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception ex)
        {
            return ex;
        }

        Assert.Fail("The operation was expected to fail.");
        return null!;
    }
}
