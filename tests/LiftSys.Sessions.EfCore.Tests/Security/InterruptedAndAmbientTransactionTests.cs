using System.Data.Common;
using System.Transactions;
using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// Commands that end abnormally (cancelled mid-flight) and commands inside an ambient <see cref="TransactionScope"/>:
/// the interceptor never trusts claims whose transaction may have been undone, so the next command still acts as the
/// current actor.
/// </summary>
[TestFixture(ClaimsScope.Connection)]
[TestFixture(ClaimsScope.Transaction)]
public sealed class InterruptedAndAmbientTransactionTests(ClaimsScope scope)
{
    private TestDatabase database = null!;
    private Guid alice;
    private Guid bob;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithTwoUsers()
    {
        database = await TestDatabase.CreateAsync();
        (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        using (SessionActorScope.BeginServiceRole("test setup"))
        {
            await using var context = CreateContext();
            await using var transaction = await context.Database.BeginTransactionAsync();
            context.Sessions.AddRange(
                Session.StartFromPrompt(alice, "alice 1"), Session.StartFromPrompt(alice, "alice 2"), Session.StartFromPrompt(bob, "bob 1"));
            await context.SaveChangesAsync();
            await transaction.CommitAsync();
        }
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [Test]
    public async Task Command_cancelled_mid_flight_leaves_the_next_command_acting_as_the_current_actor()
    {
        await using var context = CreateContext();
        using var asAlice = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await context.Database.OpenConnectionAsync();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.CatchAsync<OperationCanceledException>(() =>
            context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(30)").ToListAsync(cancellation.Token));
        var afterCancel = await context.Sessions.Select(s => s.UserId).Distinct().ToListAsync();
        using var asBob = SessionActorScope.Begin(SessionActor.ForUser(bob), "test");
        var asNextActor = await context.Sessions.Select(s => s.UserId).Distinct().ToListAsync();

        Assert.That((afterCancel.Single(), asNextActor.Single()), Is.EqualTo((alice, bob)));
    }

    [Test]
    public void Synchronous_command_cancelled_by_the_server_leaves_the_next_command_acting_as_the_current_actor()
    {
        using var context = CreateContext();
        using var asAlice = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        context.Database.OpenConnection();
        var backend = ((NpgsqlConnection)context.Database.GetDbConnection()).ProcessID;
        using var stop = new CancellationTokenSource();
        using var canceller = Task.Run(async () =>
        {
            // Again and again until the sleep ended: a cancel that reaches the backend before the query does is lost.
            await using var superuser = await database.OpenSuperuserConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(200);
                await superuser.ExecuteAsync("SELECT pg_cancel_backend($1)", backend);
            }
        });

        var ex = Assert.Catch(() => context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(30)").ToList());
        stop.Cancel();
        canceller.GetAwaiter().GetResult();
        var afterCancel = context.Sessions.Select(s => s.UserId).Distinct().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.InstanceOf<PostgresException>().With.Property(nameof(PostgresException.SqlState)).EqualTo(PostgresErrorCodes.QueryCanceled)
                .Or.InstanceOf<OperationCanceledException>());
            Assert.That(afterCancel, Is.EqualTo(new[] { alice }));
        });
    }

    [Test]
    public void Synchronous_command_cancelled_by_the_host_leaves_the_next_command_acting_as_the_current_actor()
    {
        var commands = new CommandCapturingInterceptor();
        using var context = CreateContext(commands);
        using var asAlice = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        context.Database.OpenConnection();
        using var stop = new CancellationTokenSource();
        using var canceller = Task.Run(async () =>
        {
            // Again and again until the sleep ended: Cancel is a no-op on a command not yet executing.
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(200);
                if (commands.Last is { } sleeping && sleeping.CommandText.Contains("pg_sleep", StringComparison.Ordinal))
                {
                    sleeping.Cancel();
                }
            }
        });

        Assert.Catch<OperationCanceledException>(() => context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(30)").ToList());
        stop.Cancel();
        canceller.GetAwaiter().GetResult();
        using var asBob = SessionActorScope.Begin(SessionActor.ForUser(bob), "test");
        var afterCancel = context.Sessions.Select(s => s.UserId).Distinct().ToList();

        Assert.That(afterCancel, Is.EqualTo(new[] { bob }));
    }

    [Test]
    public async Task Ambient_transaction_rolled_back_took_the_claims_with_it_and_they_are_set_again()
    {
        await using var context = CreateContext();
        using var asAlice = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await context.Database.OpenConnectionAsync();
        using var counter = new RoundTripCounter(database.Name);
        int inside, again;
        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            inside = await context.Sessions.CountAsync();
            again = await context.Sessions.CountAsync();

            // Not completed: rolled back, and the claims set inside with it.
        }

        var insideCommands = counter.Commands.Select(Kind).ToArray();
        var owners = await context.Sessions.Select(s => s.UserId).Distinct().ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That((inside, again), Is.EqualTo((2, 2)));
            Assert.That(insideCommands, Is.EqualTo(new[] { "claims+query", "query" }), "inside the ambient transaction the claims hold");
            Assert.That(owners, Is.EqualTo(new[] { alice }));
        });
    }

    [Test]
    public async Task Positional_parameter_command_in_an_ambient_transaction_acts_as_the_actor()
    {
        await using var context = CreateContext();
        using var asBob = SessionActorScope.Begin(SessionActor.ForUser(bob), "test");
        List<Guid> owners;
        using (var ambient = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            // Enlisted in the ambient transaction, the claims sent alone last until the command, under either scope.
            owners = await context.Database.SqlQueryRaw<Guid>("SELECT user_id AS \"Value\" FROM sessions WHERE $1", new NpgsqlParameter { Value = true })
                .ToListAsync();
            ambient.Complete();
        }

        Assert.That(owners, Is.EqualTo(new[] { bob }));
    }

    private static string Kind(string sql) => sql.StartsWith("CALL liftsys_sessions_apply_claims(", StringComparison.Ordinal)
        ? (sql.Contains(';', StringComparison.Ordinal) ? "claims+query" : "claims")
        : "query";

    private SessionsDbContext CreateContext(CommandCapturingInterceptor? commands = null) =>
        new(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o => o.ClaimsScope = scope)
            .AddInterceptors(PositionalParametersInterceptor.Instance, commands ?? new CommandCapturingInterceptor())
            .Options);

    /// <summary>Keeps the command EF Core last created, so that a test can cancel it from another thread.</summary>
    private sealed class CommandCapturingInterceptor : DbCommandInterceptor
    {
        private volatile DbCommand? last;

        public DbCommand? Last => last;

        public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
        {
            last = result;
            return result;
        }
    }
}
