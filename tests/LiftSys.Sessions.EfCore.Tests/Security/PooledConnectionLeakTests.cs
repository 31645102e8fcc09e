using System.Collections.Concurrent;
using System.Text.Json;
using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// Thousands of EF operations by ten users, with anonymous operations and writes mixed in, on ONE shared connection pool
/// whose few physical connections therefore serve user after user — directly, and through a real PgBouncer in
/// transaction mode. No operation may ever see a row of another user, and afterwards nothing of any user may be left on
/// a pooled connection. The direct pools run also with Npgsql's automatic preparation on (<c>Max Auto Prepare</c>):
/// the reset then keeps the prepared statements (it is no longer a plain <c>DISCARD ALL</c>), and must still clear the
/// role and claims. PgBouncer 1.18 cannot carry prepared statements at all (shown by a control test), which is why the
/// options validator refuses them on Supabase's transaction pooler.
/// </summary>
public sealed class PooledConnectionLeakTests
{
    private const int UserCount = 10;
    private const int Workers = 8;
    private const int OperationsPerWorker = 300;
    private const int DirectPoolSize = 4;

    // More clients than PgBouncer has server connections, so every server connection serves many clients in turn.
    private const int PgBouncerClientPoolSize = Workers;

    private const string Reason = "test: pooled-connection leak storm";

    // What docs/benchmarks.md measured: enough for the library's statements, each prepared on its second use.
    private const int AutoPrepared = 32;
    private const int AutoPrepareMinUsages = 2;

    // Numbers handed out, and revisions known to be committed, per session, across the tests of the fixture.
    private readonly ConcurrentDictionary<Guid, int> revisionNumbers = new();
    private readonly ConcurrentDictionary<Guid, int> revisionsBySession = new();
    private TestDatabase database = null!;
    private Guid[] users = null!;
    private Dictionary<Guid, Guid[]> sessionsByUser = null!;
    private Dictionary<Guid, Guid> ownerBySession = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithTenUsers()
    {
        database = await TestDatabase.CreateAsync();
        users = [.. Enumerable.Range(0, UserCount).Select(_ => Guid.NewGuid())];

        // 1 to 4 sessions each, so a user shown a neighbour's sessions also sees the wrong count.
        var sessions = users
            .SelectMany((user, index) => Enumerable.Range(1, 1 + (index % 4)).Select(n => Session.StartFromPrompt(user, $"prompt {n}")))
            .ToList();
        using (SessionActorScope.BeginServiceRole("test setup: sessions of ten users"))
        {
            await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
                .UseNpgsql(database.Server.AppConnectionString(database.Name))
                .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance)
                .Options);
            context.Sessions.AddRange(sessions);
            await context.SaveChangesAsync();
        }

        sessionsByUser = sessions.GroupBy(s => s.UserId).ToDictionary(g => g.Key, g => g.Select(s => s.Id).ToArray());
        ownerBySession = sessions.ToDictionary(s => s.Id, s => s.UserId);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [TestCase(false)]
    [TestCase(true)]
    public async Task Direct_pool_with_connection_scope_never_returns_another_users_rows(bool maxAutoPrepare)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(database.Server.AppConnectionString(database.Name))
        {
            MaxPoolSize = DirectPoolSize,
            ApplicationName = $"leak-direct-connection-scope-{maxAutoPrepare}",
            MaxAutoPrepare = maxAutoPrepare ? AutoPrepared : 0,
            AutoPrepareMinUsages = AutoPrepareMinUsages,
        };
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var storm = await RunStormAsync(dataSource, ClaimsScope.Connection);
        var serverConnections = await CountServerConnectionsAsync(connectionString.ApplicationName);
        var leftovers = await InspectEveryConnectionAsync(dataSource, DirectPoolSize, holdTransactions: false);

        await AssertIsolatedAsync(storm, serverConnections, DirectPoolSize, leftovers, maxAutoPrepare);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Direct_pool_without_reset_with_transaction_scope_never_returns_another_users_rows(bool maxAutoPrepare)
    {
        // No Reset On Close: the pool hands connections on exactly as a transaction-mode pooler does, without DISCARD ALL,
        // so isolation rests on the claims being transaction-local alone.
        var connectionString = new NpgsqlConnectionStringBuilder(database.Server.AppConnectionString(database.Name))
        {
            MaxPoolSize = DirectPoolSize,
            NoResetOnClose = true,
            ApplicationName = $"leak-direct-transaction-scope-{maxAutoPrepare}",
            MaxAutoPrepare = maxAutoPrepare ? AutoPrepared : 0,
            AutoPrepareMinUsages = AutoPrepareMinUsages,
        };
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var storm = await RunStormAsync(dataSource, ClaimsScope.Transaction);
        var serverConnections = await CountServerConnectionsAsync(connectionString.ApplicationName);
        var leftovers = await InspectEveryConnectionAsync(dataSource, DirectPoolSize, holdTransactions: false);

        await AssertIsolatedAsync(storm, serverConnections, DirectPoolSize, leftovers, maxAutoPrepare);
    }

    [Test]
    public async Task PgBouncer_in_transaction_mode_with_transaction_scope_never_returns_another_users_rows()
    {
        await using var bouncer = await PgBouncer.StartAsync(database.Server, database.Name);
        var connectionString = new NpgsqlConnectionStringBuilder(bouncer.ConnectionString(PostgresServer.AppRole))
        {
            MaxPoolSize = PgBouncerClientPoolSize,
            ApplicationName = "leak-pgbouncer-transaction-mode",
        };
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var storm = await RunStormAsync(dataSource, ClaimsScope.Transaction);
        var serverConnections = await CountServerConnectionsAsync(connectionString.ApplicationName);

        // Each open transaction holds a server connection of its own, so holding ServerPoolSize of them at once
        // inspects every server connection PgBouncer has.
        var leftovers = await InspectEveryConnectionAsync(dataSource, PgBouncer.ServerPoolSize, holdTransactions: true);

        await AssertIsolatedAsync(storm, serverConnections, PgBouncer.ServerPoolSize, leftovers, expectPrepared: false);
    }

    [Test]
    public async Task PgBouncer_in_transaction_mode_hands_connection_scope_claims_to_the_next_client()
    {
        // The control for the test above: this PgBouncer really lends one client's server connection to the next, so
        // session-level claims (ClaimsScope.Connection) leak there, and the inspection after a storm would see it.
        await using var bouncer = await PgBouncer.StartAsync(database.Server, database.Name);
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(bouncer.ConnectionString(PostgresServer.AppRole))
        {
            MaxPoolSize = PgBouncerClientPoolSize,
        });
        var user = users[^1];
        using (SessionActorScope.Begin(SessionActor.ForUser(user), Reason))
        {
            await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
                .UseNpgsql(dataSource)
                .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o => o.ClaimsScope = ClaimsScope.Connection)
                .Options);
            await context.Database.OpenConnectionAsync();
            await context.Sessions.CountAsync();
            await context.Database.CloseConnectionAsync();
        }

        var leftovers = await InspectEveryConnectionAsync(dataSource, PgBouncer.ServerPoolSize, holdTransactions: true);

        Assert.That(
            leftovers.Select(l => (l.CurrentUser, l.ClaimSub, l.SessionsAccess)),
            Has.Some.EqualTo(("authenticated", user.ToString(), $"{sessionsByUser[user].Length} rows")),
            "a client that never said who it is acts as the previous client's user");
    }

    [Test]
    public async Task PgBouncer_1_18_in_transaction_mode_cannot_carry_auto_prepared_statements()
    {
        // The control for refusing Max Auto Prepare behind a transaction-mode pooler: two clients, each preparing its
        // own statement under the same per-connection name (_auto0), take turns on PgBouncer's server connections, so
        // a statement prepared by one is executed, or prepared again, by name on a server connection of the other's.
        await using var bouncer = await PgBouncer.StartAsync(database.Server, database.Name);
        var connectionString = new NpgsqlConnectionStringBuilder(bouncer.ConnectionString(PostgresServer.AppRole))
        {
            MaxAutoPrepare = AutoPrepared,
            AutoPrepareMinUsages = 1,
        }.ConnectionString;
        await using var first = new NpgsqlConnection(connectionString);
        await using var second = new NpgsqlConnection(connectionString);
        await first.OpenAsync();
        await second.OpenAsync();

        var anomalies = new List<string>();
        for (var round = 0; round < 10; round++)
        {
            foreach (var (client, expected) in new[] { (first, "first"), (second, "second") })
            {
                try
                {
                    var answer = await client.ScalarAsync<string>($"SELECT '{expected}'::text");
                    if (answer != expected)
                    {
                        anomalies.Add($"the {expected} client's statement returned '{answer}'");
                    }
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicatePreparedStatement or PostgresErrorCodes.InvalidSqlStatementName)
                {
                    anomalies.Add($"{ex.SqlState}: {ex.MessageText}");
                }
            }
        }

        Assert.That(anomalies, Is.Not.Empty, "prepared statements that PgBouncer 1.18 routes to server connections that do not hold them");
    }

    private static JsonElement MetadataTouchedBy(Guid user, string where) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["touched_by"] = user.ToString(), ["by"] = where });

    private static async Task<PoolLeftover[]> InspectEveryConnectionAsync(NpgsqlDataSource dataSource, int connections, bool holdTransactions)
    {
        // Opened side by side, so together they are every physical connection the pool (or PgBouncer) has.
        var opened = new List<NpgsqlConnection>();
        var transactions = new List<NpgsqlTransaction>();
        try
        {
            var leftovers = new List<PoolLeftover>();
            for (var i = 0; i < connections; i++)
            {
                var connection = await dataSource.OpenConnectionAsync();
                opened.Add(connection);
                if (holdTransactions)
                {
                    transactions.Add(await connection.BeginTransactionAsync());
                }

                await using var command = new NpgsqlCommand(
                    """
                    SELECT current_user::text,
                           coalesce(current_setting('request.jwt.claims', true), ''),
                           coalesce(current_setting('request.jwt.claim.sub', true), ''),
                           pg_backend_pid(),
                           (SELECT count(*) FROM pg_prepared_statements)
                    """,
                    connection);
                await using var reader = await command.ExecuteReaderAsync();
                await reader.ReadAsync();
                leftovers.Add(new PoolLeftover(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt64(4), null));
            }

            // Only once every connection has been read: behind PgBouncer the error aborts the held transaction.
            for (var i = 0; i < connections; i++)
            {
                string sessionsAccess;
                try
                {
                    var visible = await opened[i].ScalarAsync<long>("SELECT count(*) FROM sessions");
                    sessionsAccess = $"{visible} rows";
                }
                catch (PostgresException exception)
                {
                    sessionsAccess = exception.SqlState;
                }

                leftovers[i] = leftovers[i] with { SessionsAccess = sessionsAccess };
            }

            return [.. leftovers];
        }
        finally
        {
            foreach (var transaction in transactions)
            {
                await transaction.DisposeAsync();
            }

            foreach (var connection in opened)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<StormTally> RunStormAsync(NpgsqlDataSource dataSource, ClaimsScope scope)
    {
        // One options instance, one pool: every context of every worker draws from the same few connections.
        var options = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(dataSource)
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o => o.ClaimsScope = scope)
            .Options;
        var tally = new StormTally(TestContext.CurrentContext.Random.Next());

        // Started from here, outside any SessionActorScope: a worker's anonymous operations really have no actor.
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(tally.Seed + worker);
            for (var operation = 0; operation < OperationsPerWorker; operation++)
            {
                await RunOperationAsync(options, scope, random, tally, $"worker {worker}, operation {operation}");
            }
        })));
        return tally;
    }

    private async Task RunOperationAsync(
        DbContextOptions<SessionsDbContext> options, ClaimsScope scope, Random random, StormTally tally, string where)
    {
        var roll = random.Next(100);
        var user = users[random.Next(UserCount)];
        var own = sessionsByUser[user];
        var mine = own[random.Next(own.Length)];
        var others = sessionsByUser[users[(Array.IndexOf(users, user) + 1 + random.Next(UserCount - 1)) % UserCount]];
        var theirs = others[random.Next(others.Length)];

        if (roll < 10)
        {
            await RunAnonymousReadAsync(options, scope, tally, where);
            return;
        }

        using var actor = SessionActorScope.Begin(SessionActor.ForUser(user), Reason);
        await using var context = new SessionsDbContext(options);
        await using var transaction = scope == ClaimsScope.Transaction ? await context.Database.BeginTransactionAsync() : null;
        Guid? revised = null;

        // The mix: 10 % anonymous (above), 45 % list own sessions, 10 % list revisions, 15 % reach for another user's
        // session (find it by id, delete it), 10 % update own metadata, 10 % append a revision.
        switch (roll)
        {
            case < 55:
                var rows = await context.Sessions.AsNoTracking().Select(s => new { s.Id, s.UserId }).ToListAsync();
                tally.Read();
                if (rows.Any(r => r.UserId != user) || rows.Count != own.Length || !rows.Select(r => r.Id).ToHashSet().SetEquals(own))
                {
                    tally.Violation(where, $"user {user} listed sessions of [{string.Join(", ", rows.Select(r => r.UserId).Distinct())}], " +
                        $"{rows.Count} rows instead of its own {own.Length}");
                }

                break;
            case < 65:
                var parents = await context.Revisions.AsNoTracking().Select(r => r.SessionId).Distinct().ToListAsync();
                tally.Read();
                if (parents.Any(p => ownerBySession[p] != user))
                {
                    tally.Violation(where, $"user {user} listed revisions of sessions of [{string.Join(", ", parents.Select(p => ownerBySession[p]).Distinct())}]");
                }

                break;
            case < 75:
                tally.CrossUserAttempt();
                if (await context.Sessions.AsNoTracking().AnyAsync(s => s.Id == theirs))
                {
                    tally.Violation(where, $"user {user} found session {theirs} of user {ownerBySession[theirs]} by its id");
                }

                break;
            case < 80:
                tally.CrossUserAttempt();
                var deleted = await context.Sessions.Where(s => s.Id == theirs).ExecuteDeleteAsync();
                if (deleted != 0)
                {
                    tally.Violation(where, $"user {user} deleted session {theirs} of user {ownerBySession[theirs]}");
                }

                break;
            case < 90:
                var session = await context.Sessions.SingleAsync(s => s.Id == mine);
                session.ReplaceMetadata(MetadataTouchedBy(user, where));
                await context.SaveChangesAsync();
                tally.Write();
                break;
            default:
                var number = revisionNumbers.AddOrUpdate(mine, 1, (_, last) => last + 1);
                context.Revisions.Add(SessionRevision.Create(
                    mine, number, RevisionSource.Refinement, JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["step"] = number })));
                await context.SaveChangesAsync();
                tally.Write();
                revised = mine;
                break;
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }

        if (revised is { } sessionId)
        {
            revisionsBySession.AddOrUpdate(sessionId, 1, (_, count) => count + 1);
        }
    }

    private static async Task RunAnonymousReadAsync(DbContextOptions<SessionsDbContext> options, ClaimsScope scope, StormTally tally, string where)
    {
        if (SessionActorScope.CurrentActor is { } actor)
        {
            tally.Violation(where, $"the anonymous operation ran inside a scope of {actor}");
            return;
        }

        await using var context = new SessionsDbContext(options);
        await using var transaction = scope == ClaimsScope.Transaction ? await context.Database.BeginTransactionAsync() : null;
        try
        {
            var rows = await context.Sessions.AsNoTracking().Select(s => s.UserId).ToListAsync();
            tally.Violation(where, $"an anonymous read was allowed and returned {rows.Count} rows");
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            tally.AnonymousDenial();
        }
    }

    private async Task<long> CountServerConnectionsAsync(string? applicationName)
    {
        // PgBouncer passes each client's application_name on to the server connection it lends it.
        await using var connection = await database.OpenSuperuserConnectionAsync();
        return await connection.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2", database.Name, applicationName);
    }

    private async Task AssertIsolatedAsync(StormTally storm, long serverConnections, int poolSize, PoolLeftover[] leftovers, bool expectPrepared)
    {
        await using var superuser = await database.OpenSuperuserConnectionAsync();
        var sessionsPerUser = new Dictionary<Guid, long>();
        foreach (var user in users)
        {
            sessionsPerUser[user] = await superuser.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = $1", user);
        }

        var foreignTouches = await superuser.ScalarAsync<long>(
            "SELECT count(*) FROM sessions WHERE metadata ? 'touched_by' AND (metadata ->> 'touched_by')::uuid <> user_id");
        var revisions = new Dictionary<Guid, long>();
        foreach (var sessionId in revisionsBySession.Keys)
        {
            revisions[sessionId] = await superuser.ScalarAsync<long>("SELECT count(*) FROM session_revisions WHERE session_id = $1", sessionId);
        }

        Assert.Multiple(() =>
        {
            Assert.That(storm.Violations, Is.Empty, $"operations that saw or touched rows they must not (random seed {storm.Seed})");
            Assert.That(
                storm.Reads + storm.CrossUserAttempts + storm.Writes + storm.AnonymousDenials,
                Is.EqualTo(Workers * OperationsPerWorker),
                "every operation completed with an expected outcome");
            Assert.That(new[] { storm.AnonymousDenials, storm.Writes, storm.CrossUserAttempts }, Has.All.GreaterThan(0), "the mix ran every kind of operation");
            Assert.That(serverConnections, Is.InRange(1, poolSize), "the storm shared a pool of at most this many server connections");

            Assert.That(sessionsPerUser, Is.EquivalentTo(sessionsByUser.ToDictionary(p => p.Key, p => (long)p.Value.Length)), "no session changed hands or vanished");
            Assert.That(foreignTouches, Is.Zero, "sessions whose metadata was written by a user other than their owner");
            Assert.That(revisions, Is.EquivalentTo(revisionsBySession.ToDictionary(p => p.Key, p => (long)p.Value)), "every revision landed in its own session");

            Assert.That(leftovers.Select(l => l.BackendPid).Distinct().Count(), Is.EqualTo(poolSize), "every server connection was inspected");
            Assert.That(
                leftovers.Select(l => (l.CurrentUser, l.Claims, l.ClaimSub, l.SessionsAccess)),
                Has.All.EqualTo((PostgresServer.AppRole, string.Empty, string.Empty, PostgresErrorCodes.InsufficientPrivilege)),
                "a raw connection from the pool after the storm acts as nobody: the login role, no claims, no access");
            Assert.That(
                leftovers.Sum(l => l.PreparedStatements),
                expectPrepared ? Is.Positive : Is.Zero,
                "the storm's statements are prepared on the server connections (and survive the reset) exactly when Max Auto Prepare is on");
        });
    }

    /// <summary>What a raw connection from the pool finds after the storm.</summary>
    private sealed record PoolLeftover(string CurrentUser, string Claims, string ClaimSub, int BackendPid, long PreparedStatements, string? SessionsAccess);

    /// <summary>Outcomes counted across the workers of one storm.</summary>
    private sealed class StormTally(int seed)
    {
        private readonly ConcurrentQueue<string> violations = new();
        private int reads;
        private int crossUserAttempts;
        private int writes;
        private int anonymousDenials;

        public int Seed => seed;

        public string[] Violations => [.. violations];

        public int Reads => Volatile.Read(ref reads);

        public int CrossUserAttempts => Volatile.Read(ref crossUserAttempts);

        public int Writes => Volatile.Read(ref writes);

        public int AnonymousDenials => Volatile.Read(ref anonymousDenials);

        public void Read() => Interlocked.Increment(ref reads);

        public void CrossUserAttempt() => Interlocked.Increment(ref crossUserAttempts);

        public void Write() => Interlocked.Increment(ref writes);

        public void AnonymousDenial() => Interlocked.Increment(ref anonymousDenials);

        public void Violation(string where, string what) => violations.Enqueue($"{where}: {what}");
    }
}
