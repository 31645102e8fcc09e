using System.Net.Sockets;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// Issue 11, item 2: infrastructure faults reach a host as the library's own exceptions, typed by what a host can do
/// about them and with the cause attached. Every fault here is real: a closed port, terminated backends, an exhausted
/// pool, a row locked by another transaction.
/// </summary>
public sealed class StoreFailureTests
{
    private static readonly Guid User = Guid.Parse("5a1ce000-0000-4000-8000-0000000000f1");

    [TestCase(0)]
    [TestCase(2)]
    public async Task Write_server_unreachable_throws_unavailable_with_socket_cause(int maxRetryCount)
    {
        await using var services = Build("Host=127.0.0.1;Port=1;Database=none;Username=nobody;Timeout=2", maxRetryCount);
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(User), "test");

        var thrown = await Assert.ThrowsAsync<SessionStoreUnavailableException>(
            () => services.GetRequiredService<ISessionStore>().CreateFromPromptAsync("Add two numbers"));

        Assert.Multiple(() =>
        {
            Assert.That(Causes(thrown!), Has.Some.InstanceOf<SocketException>());
            Assert.That(thrown!.RetryAfter, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(Causes(thrown).OfType<RetryLimitExceededException>().Any(), Is.EqualTo(maxRetryCount > 0));
        });
    }

    [Test]
    public async Task Read_server_unreachable_throws_unavailable()
    {
        await using var services = Build("Host=127.0.0.1;Port=1;Database=none;Username=nobody;Timeout=2", maxRetryCount: 0);
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(User), "test");

        var thrown = await Assert.ThrowsAsync<SessionStoreUnavailableException>(
            () => services.GetRequiredService<ISessionStore>().ListActiveAsync(PageRequest.First()));

        Assert.That(Causes(thrown!), Has.Some.InstanceOf<NpgsqlException>());
    }

    [Test]
    public async Task Write_backends_terminated_without_retries_throws_unavailable_and_writes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = Build(database.Server.AppConnectionString(database.Name), maxRetryCount: 0);
        var store = services.GetRequiredService<ISessionStore>();
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(User), "test");
        var session = await store.CreateFromPromptAsync("Add two numbers");
        await TerminateAppBackendsAsync(database);

        var thrown = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.PauseAsync(session.Id));

        await using var superuser = await database.OpenSuperuserConnectionAsync();
        var status = await superuser.ScalarAsync<string>("SELECT status FROM sessions WHERE id = $1", session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(Causes(thrown!), Has.Some.InstanceOf<NpgsqlException>());
            Assert.That(status, Is.EqualTo("active"));
        });
    }

    [Test]
    public async Task Write_backends_terminated_with_retries_succeeds_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = Build(database.Server.AppConnectionString(database.Name), maxRetryCount: 3);
        var store = services.GetRequiredService<ISessionStore>();
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(User), "test");
        var session = await store.CreateFromPromptAsync("Add two numbers");
        await TerminateAppBackendsAsync(database);

        var revision = await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, System.Text.Json.JsonSerializer.SerializeToElement(new { intent = "add" }));

        await using var superuser = await database.OpenSuperuserConnectionAsync();
        var revisions = await superuser.ScalarAsync<long>("SELECT count(*) FROM session_revisions WHERE session_id = $1", session.Id);
        Assert.That((revision.RevisionNumber, revisions), Is.EqualTo((1, 1L)));
    }

    [Test]
    public async Task Write_pool_exhausted_throws_timeout_naming_the_pool()
    {
        await using var database = await TestDatabase.CreateAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(database.Server.AppConnectionString(database.Name)) { MaxPoolSize = 1, Timeout = 1 }
            .ConnectionString;
        await using var services = Build(connectionString, maxRetryCount: 0, commandTimeout: TimeSpan.FromSeconds(30));
        var store = services.GetRequiredService<ISessionStore>();
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(User), "test");
        var session = await store.CreateFromPromptAsync("Add two numbers");

        // The pool's only connection waits for a row another transaction holds.
        await using var blocker = await LockSessionAsync(database, session.Id);
        var holding = store.PauseAsync(session.Id);
        await WaitForLockWaitAsync(database);

        var thrown = await Assert.ThrowsAsync<SessionStoreTimeoutException>(() => store.CreateFromPromptAsync("Another"));
        await blocker.DisposeAsync();
        await holding;

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Limit, Is.EqualTo(SessionStoreTimeoutLimit.PoolTimeout));
            Assert.That(Causes(thrown), Has.Some.InstanceOf<NpgsqlException>());
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    public async Task Write_lock_held_past_command_timeout_throws_timeout_naming_the_command_timeout(int maxRetryCount)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = Build(database.Server.AppConnectionString(database.Name), maxRetryCount, TimeSpan.FromSeconds(1));
        var store = services.GetRequiredService<ISessionStore>();
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(User), "test");
        var session = await store.CreateFromPromptAsync("Add two numbers");
        await using var blocker = await LockSessionAsync(database, session.Id);

        var thrown = await Assert.ThrowsAsync<SessionStoreTimeoutException>(() => store.FinalizeAsync(session.Id));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Limit, Is.EqualTo(SessionStoreTimeoutLimit.CommandTimeout));
            Assert.That(Causes(thrown), Has.Some.InstanceOf<TimeoutException>());
        });
    }

    [TestCase("lock_timeout", SessionStoreTimeoutLimit.LockTimeout, PostgresErrorCodes.LockNotAvailable)]
    [TestCase("statement_timeout", SessionStoreTimeoutLimit.StatementTimeout, PostgresErrorCodes.QueryCanceled)]
    public async Task Write_lock_held_past_server_timeout_throws_timeout_naming_the_setting(
        string setting, SessionStoreTimeoutLimit limit, string sqlState)
    {
        await using var database = await TestDatabase.CreateAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(database.Server.AppConnectionString(database.Name)) { Options = $"-c {setting}=200" }
            .ConnectionString;
        await using var services = Build(connectionString, maxRetryCount: 0, commandTimeout: TimeSpan.FromSeconds(30));
        var store = services.GetRequiredService<ISessionStore>();
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(User), "test");
        var session = await store.CreateFromPromptAsync("Add two numbers");
        await using var blocker = await LockSessionAsync(database, session.Id);

        var thrown = await Assert.ThrowsAsync<SessionStoreTimeoutException>(() => store.MarkErrorAsync(session.Id));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Limit, Is.EqualTo(limit));
            Assert.That(Causes(thrown).OfType<PostgresException>().Select(p => p.SqlState), Does.Contain(sqlState));
        });
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static ServiceProvider Build(string connectionString, int maxRetryCount, TimeSpan? commandTimeout = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddLiftSysSessions(o =>
        {
            o.ConnectionString = connectionString;
            o.MaxRetryCount = maxRetryCount;
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(20);
            o.CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(30);
        });
        return collection.BuildServiceProvider();
    }

    private static async Task TerminateAppBackendsAsync(TestDatabase database)
    {
        await using var superuser = await database.OpenSuperuserConnectionAsync();
        var terminated = await superuser.ScalarAsync<long>(
            // OFFSET 0 keeps the filter a subquery of its own: in one WHERE clause PostgreSQL may call
            // pg_terminate_backend before the other conditions and end every backend, the test's own included.
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity WHERE datname = $1 AND usename = $2 OFFSET 0) AS app",
            database.Name, PostgresServer.AppRole);
        Assert.That(terminated, Is.GreaterThan(0), "no pooled connection of the store was terminated");
    }

    /// <summary>Locks the session's row in an open transaction of another connection; disposing it releases the lock.</summary>
    private static async Task<NpgsqlConnection> LockSessionAsync(TestDatabase database, Guid sessionId)
    {
        var connection = await database.OpenSuperuserConnectionAsync();
        await connection.ExecuteAsync("BEGIN");
        await connection.ExecuteAsync("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", sessionId);
        return connection;
    }

    private static async Task WaitForLockWaitAsync(TestDatabase database)
    {
        await using var superuser = await database.OpenSuperuserConnectionAsync();
        for (var i = 0; i < 100; i++)
        {
            if (await superuser.ScalarAsync<long>(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", database.Name) > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the store's operation never waited for the lock");
    }
}
