using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.EfCore.Tests.Security;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Triggers;

/// <summary>
/// Several writers on separate connections insert, delete and move child rows and delete whole sessions at random, at
/// the same time and on the same sessions; afterwards every counter equals the rows its session has.
/// </summary>
public sealed class ConcurrentCounterTests
{
    private const int Seed = 20251019;
    private const int OwnerWriters = 4;
    private const int UserWriters = 2;
    private const int OperationsPerWriter = 70;
    private const int SessionsPerUser = 4;

    [Test]
    public async Task Counters_equal_row_counts_after_randomized_concurrent_writers()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var superuser = await database.OpenSuperuserConnectionAsync())
        {
            // Writers that wait on each other are found after deadlock_timeout (1 s by default) and one is aborted;
            // a shorter wait keeps the test fast without changing what it checks.
            await superuser.ExecuteAsync($"ALTER DATABASE {Sql.QuoteIdentifier(database.Name)} SET deadlock_timeout = '50ms'");
        }

        var users = Enumerable.Range(0, UserWriters + 1).Select(_ => Guid.NewGuid()).ToArray();
        var pool = new SessionPool();
        await using (var owner = await database.OpenOwnerConnectionAsync())
        {
            foreach (var user in users)
            {
                for (var i = 0; i < SessionsPerUser; i++)
                {
                    pool.Add(await SqlRows.InsertSessionAsync(owner, user), user);
                }
            }
        }

        var tally = new Tally();
        var writers = Enumerable.Range(0, OwnerWriters + UserWriters).Select(w => Task.Run(async () =>
        {
            // The table owner writes anywhere; the signed-in users write in their own sessions under row-level security.
            Guid? user = w < OwnerWriters ? null : users[w - OwnerWriters];
            await using var connection = user is { } id
                ? await ActorConnections.OpenAsync(database, Actor.Owner, id, Guid.Empty)
                : await database.OpenOwnerConnectionAsync();
            await new Writer(connection, new Random(Seed + w), pool, tally, user).RunAsync(OperationsPerWriter);
        })).ToArray();
        await Task.WhenAll(writers);
        await TestContext.Out.WriteLineAsync(tally.ToString());

        await using var check = await database.OpenOwnerConnectionAsync();
        var mismatches = await ChildRows.MismatchesAsync(check);
        var children = await check.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM session_revisions) + (SELECT count(*) FROM session_drafts) + (SELECT count(*) FROM hole_resolutions)");

        Assert.Multiple(() =>
        {
            Assert.That(mismatches, Is.Empty);
            Assert.That(tally.Succeeded, Is.GreaterThan((OwnerWriters + UserWriters) * OperationsPerWriter * 3 / 4), tally.ToString());
            Assert.That(tally.SessionsDeleted, Is.Positive, "cascades were exercised");
            Assert.That(tally.RolledBack, Is.Positive, "rollbacks were exercised");
            Assert.That(children, Is.Positive, "the writers left rows to count");
        });
    }

    /// <summary>The sessions the writers pick from; a deleted session is replaced by a new one of the same user.</summary>
    private sealed class SessionPool
    {
        private readonly Lock sync = new();
        private readonly List<(Guid Id, Guid User)> sessions = [];

        public void Add(Guid id, Guid user)
        {
            lock (sync)
            {
                sessions.Add((id, user));
            }
        }

        public Guid[] Pick(Random random, Guid? user, int count)
        {
            lock (sync)
            {
                var candidates = sessions.Where(s => user is null || s.User == user).ToArray();
                return Enumerable.Range(0, count).Select(_ => candidates[random.Next(candidates.Length)].Id).Distinct().ToArray();
            }
        }

        public (Guid Id, Guid User) PickOne(Random random, Guid? user)
        {
            lock (sync)
            {
                var candidates = sessions.Where(s => user is null || s.User == user).ToArray();
                return candidates[random.Next(candidates.Length)];
            }
        }

        public void Replace(Guid old, Guid replacement)
        {
            lock (sync)
            {
                var index = sessions.FindIndex(s => s.Id == old);
                if (index >= 0)
                {
                    sessions[index] = (replacement, sessions[index].User);
                }
            }
        }
    }

    private sealed class Tally
    {
        private int succeeded;
        private int rolledBack;
        private int sessionsDeleted;
        private int deadlocks;
        private int vanished;

        public int Succeeded => succeeded;

        public int RolledBack => rolledBack;

        public int SessionsDeleted => sessionsDeleted;

        public void Success() => Interlocked.Increment(ref succeeded);

        public void Rollback() => Interlocked.Increment(ref rolledBack);

        public void SessionDeleted() => Interlocked.Increment(ref sessionsDeleted);

        public void Deadlock() => Interlocked.Increment(ref deadlocks);

        public void Vanished() => Interlocked.Increment(ref vanished);

        public override string ToString() =>
            $"succeeded {succeeded}, rolled back {rolledBack}, sessions deleted {sessionsDeleted}, deadlocks or serialization failures {deadlocks}, " +
            $"targets deleted meanwhile {vanished}";
    }

    private sealed class Writer(NpgsqlConnection connection, Random random, SessionPool pool, Tally tally, Guid? user)
    {
        private static int nextNumber;

        public async Task RunAsync(int operations)
        {
            for (var i = 0; i < operations; i++)
            {
                try
                {
                    if (random.Next(100) < 15)
                    {
                        await InTransactionAsync();
                    }
                    else
                    {
                        await OneOperationAsync(mayDeleteSession: true);
                    }

                    tally.Success();
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                    // PostgreSQL aborts one of two transactions that wait on each other; its changes, counters
                    // included, are rolled back, which is what must leave the counters exact.
                    tally.Deadlock();
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation
                                                   || (user is not null && ex.SqlState == PostgresErrorCodes.InsufficientPrivilege
                                                       && ex.MessageText.Contains("row-level security", StringComparison.Ordinal)))
                {
                    // Another writer deleted the target session first (for a signed-in user, its policy no longer
                    // finds the parent session).
                    tally.Vanished();
                }
            }
        }

        private async Task InTransactionAsync()
        {
            await using var transaction = await connection.BeginTransactionAsync();
            for (var i = random.Next(2, 5); i > 0; i--)
            {
                await OneOperationAsync(mayDeleteSession: false);
            }

            if (random.Next(2) == 0)
            {
                await transaction.RollbackAsync();
                tally.Rollback();
            }
            else
            {
                await transaction.CommitAsync();
            }
        }

        /// <summary>One random write; a session is only deleted outside a transaction, so a rollback never undoes one.</summary>
        private Task OneOperationAsync(bool mayDeleteSession)
        {
            var table = ChildRows.Tables[random.Next(ChildRows.Tables.Length)];
            return random.Next(100) switch
            {
                < 35 => InsertAsync(table, sessions: 1),
                < 50 => InsertAsync(table, sessions: random.Next(2, 4)),
                < 80 => DeleteAsync(Removable(table)),
                < 94 or _ when !mayDeleteSession => MoveAsync(Removable(table)),
                _ => DeleteSessionAsync(),
            };
        }

        /// <summary>IR history is append-only for users: their deletes and moves go to drafts instead.</summary>
        private string Removable(string table) => user is not null && table == "session_revisions" ? "session_drafts" : table;

        private Task<int> InsertAsync(string table, int sessions)
        {
            var targets = pool.Pick(random, user, sessions);
            var rows = Enumerable.Range(0, random.Next(1, 6))
                .Select(_ => (targets[random.Next(targets.Length)], Interlocked.Increment(ref nextNumber)))
                .ToArray();
            return ChildRows.InsertAsync(connection, table, rows);
        }

        private Task<int> DeleteAsync(string table) =>
            connection.ExecuteAsync(
                $"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE session_id = ANY($1) ORDER BY random() LIMIT $2)",
                pool.Pick(random, user, random.Next(1, 3)),
                random.Next(1, 5));

        private Task<int> MoveAsync(string table)
        {
            var (from, to) = (pool.Pick(random, user, 1)[0], pool.Pick(random, user, 1)[0]);
            return connection.ExecuteAsync(
                $"UPDATE {table} SET session_id = $2 WHERE id IN (SELECT id FROM {table} WHERE session_id = $1 ORDER BY random() LIMIT $3)",
                from,
                to,
                random.Next(1, 4));
        }

        private async Task DeleteSessionAsync()
        {
            var doomed = pool.PickOne(random, user);
            var replacement = Guid.NewGuid();
            var deleted = await connection.ExecuteAsync("DELETE FROM sessions WHERE id = $1", doomed.Id);
            await connection.ExecuteAsync(
                "INSERT INTO sessions (id, user_id, original_input) VALUES ($1, $2, 'replacement')", replacement, doomed.User);
            pool.Replace(doomed.Id, replacement);
            if (deleted == 1)
            {
                tally.SessionDeleted();
            }
        }
    }
}
