using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// Every command runs as the actor current when it executes, whatever was current when its connection opened or its
/// transaction started: a connection held open across a change of actor gets the new actor's claims first.
/// </summary>
[TestFixture(ClaimsScope.Connection)]
[TestFixture(ClaimsScope.Transaction)]
public sealed class ClaimsReapplicationTests(ClaimsScope scope)
{
    private TwoUserDatabase data = null!;

    private TestDatabase Database => data.Database;

    private UserFacingLogin UserLogin => data.UserLogin;

    private Guid Alice => data.Alice;

    private Guid Bob => data.Bob;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithTwoUsers() => data = await TwoUserDatabase.CreateAsync();

    [OneTimeTearDown]
    public Task DropDatabase() => data.DisposeAsync().AsTask();

    [Test]
    public async Task Held_open_connection_opened_as_alice_and_queried_as_bob_returns_only_bobs_rows()
    {
        await using var context = CreateContext();
        IDbContextTransaction? transaction;
        using (SessionActorScope.Begin(SessionActor.ForUser(Alice), "test: opens the connection"))
        {
            transaction = await OpenAsync(context);
        }

        List<Guid> owners;
        using (SessionActorScope.Begin(SessionActor.ForUser(Bob), "test: uses it"))
        {
            owners = await context.Sessions.Select(s => s.UserId).ToListAsync();
        }

        await DisposeAsync(transaction);
        Assert.That(owners, Is.EqualTo(new[] { Bob }));
    }

    [Test]
    public async Task Connection_opened_in_a_service_role_block_and_used_after_it_as_bob_returns_only_bobs_rows()
    {
        await using var context = CreateContext();
        IDbContextTransaction? transaction;
        using (SessionActorScope.BeginServiceRole("test: a block that opens the connection"))
        {
            transaction = await OpenAsync(context);
            await context.Sessions.CountAsync();
        }

        List<Guid> owners;
        using (SessionActorScope.Begin(SessionActor.ForUser(Bob), "test: after the block"))
        {
            owners = await context.Sessions.Select(s => s.UserId).ToListAsync();
        }

        await DisposeAsync(transaction);
        Assert.That(owners, Is.EqualTo(new[] { Bob }));
    }

    [Test]
    public async Task Held_open_connection_used_after_the_actors_scope_ended_runs_as_anonymous()
    {
        await using var context = CreateContext();
        IDbContextTransaction? transaction;
        using (SessionActorScope.Begin(SessionActor.ForUser(Alice), "test: opens the connection"))
        {
            transaction = await OpenAsync(context);
        }

        var role = await context.Database.SqlQueryRaw<string>("SELECT current_user::text AS \"Value\"").SingleAsync();

        await DisposeAsync(transaction);
        Assert.That(role, Is.EqualTo("anon"));
    }

    [Test]
    public async Task Long_lived_context_used_across_actors_returns_each_actors_rows()
    {
        await using var context = CreateContext();
        var seen = new List<Guid[]>();

        foreach (var user in new[] { Alice, Bob, Alice })
        {
            using var acting = SessionActorScope.Begin(SessionActor.ForUser(user), "test: one context, many actors");
            await using var transaction = await context.Database.BeginTransactionAsync();
            seen.Add([.. await context.Sessions.Select(s => s.UserId).Distinct().ToListAsync()]);
        }

        Assert.That(seen, Is.EqualTo(new[] { new[] { Alice }, new[] { Bob }, new[] { Alice } }));
    }

    [Test]
    public async Task Held_open_connection_sends_the_claims_with_the_first_command_after_each_change_of_actor_only()
    {
        await using var context = CreateContext();
        IDbContextTransaction? transaction;
        using var counter = new RoundTripCounter(Database.Name);
        using (SessionActorScope.Begin(SessionActor.ForUser(Alice), "test"))
        {
            transaction = await OpenAsync(context);
            await context.Sessions.CountAsync();
            await context.Sessions.CountAsync();
        }

        using (SessionActorScope.Begin(SessionActor.ForUser(Bob), "test"))
        {
            await context.Sessions.CountAsync();
            await context.Sessions.CountAsync();
        }

        await DisposeAsync(transaction);
        // Four round trips for four queries: the claims never travel alone; they ride in front of the first query of each
        // actor. (Outside a transaction, under ClaimsScope.Connection, they ride with every query: a reader's implicit
        // transaction is not over when EF is told it ran, and an error in it would still undo them. That costs the
        // server a procedure call, not a round trip.)
        var kinds = counter.Commands.Select(sql => sql.StartsWith("CALL liftsys_sessions_apply_claims(", StringComparison.Ordinal)
            ? (sql.Contains("SELECT count(*)", StringComparison.Ordinal) ? "claims+query" : "claims alone")
            : "query").ToArray();
        Assert.That(
            kinds,
            Is.EqualTo(scope == ClaimsScope.Transaction
                ? new[] { "claims+query", "query", "claims+query", "query" }
                : new[] { "claims+query", "claims+query", "claims+query", "claims+query" }));
    }

    [Test]
    public async Task Rollback_to_a_savepoint_that_undid_the_new_actors_claims_sets_them_again()
    {
        await using var context = CreateContext();
        await using var acting = SessionActorScopeHolder.Begin(SessionActor.ForUser(Alice));
        await context.Database.OpenConnectionAsync();
        await using var transaction = await context.Database.BeginTransactionAsync();
        await transaction.CreateSavepointAsync("before_bob");
        acting.Switch(SessionActor.ForUser(Bob));
        await context.Sessions.CountAsync();

        // Undoes Bob's claims in either scope: set_config inside a transaction is rolled back with it, even session-level.
        await transaction.RollbackToSavepointAsync("before_bob");
        var owners = await context.Sessions.Select(s => s.UserId).ToListAsync();

        Assert.That(owners, Is.EqualTo(new[] { Bob }));
    }

    [Test]
    public async Task Claims_set_inside_a_transaction_disposed_without_commit_are_set_again()
    {
        await using var context = CreateContext();
        await using var acting = SessionActorScopeHolder.Begin(SessionActor.ForUser(Alice));
        await context.Database.OpenConnectionAsync();
        var transaction = await context.Database.BeginTransactionAsync();
        acting.Switch(SessionActor.ForUser(Bob));
        await context.Sessions.CountAsync();

        // Disposed without a commit: rolled back, and Bob's claims with it.
        await transaction.DisposeAsync();
        await using var next = await context.Database.BeginTransactionAsync();
        var owners = await context.Sessions.Select(s => s.UserId).ToListAsync();

        Assert.That(owners, Is.EqualTo(new[] { Bob }));
    }

    [Test]
    public async Task Claims_set_inside_a_transaction_rolled_back_asynchronously_are_set_again()
    {
        await using var context = CreateContext();
        using var acting = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        await context.Database.OpenConnectionAsync();
        var transaction = await context.Database.BeginTransactionAsync();
        var inside = await context.Sessions.CountAsync();

        await transaction.RollbackAsync();
        await transaction.DisposeAsync();
        var owners = await context.Sessions.Select(s => s.UserId).Distinct().ToListAsync();

        Assert.That((inside, owners.Single()), Is.EqualTo((2, Alice)));
    }

    [Test]
    public async Task Transaction_the_host_began_and_handed_to_the_context_gets_the_actors_claims()
    {
        using var acting = SessionActorScope.Begin(SessionActor.ForUser(Bob), "test");
        await using var connection = new Npgsql.NpgsqlConnection(Database.Server.AppConnectionString(Database.Name));
        await connection.OpenAsync();
        await using var hostTransaction = await connection.BeginTransactionAsync();
        await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(connection)
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o => o.ClaimsScope = scope)
            .Options);

        await context.Database.UseTransactionAsync(hostTransaction);
        var owners = await context.Sessions.Select(s => s.UserId).ToListAsync();
        await hostTransaction.CommitAsync();

        Assert.That(owners, Is.EqualTo(new[] { Bob }));
    }

    [Test]
    public async Task User_facing_login_asked_to_act_as_the_service_role_is_refused_with_a_library_exception()
    {
        await using var context = CreateContext(UserLogin.ConnectionString);
        using var actor = SessionActorScope.BeginServiceRole("test: the wrong login for the service role");

        var ex = await Assert.ThrowsAsync<ActorRoleNotGrantedException>(async () =>
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            await context.Sessions.CountAsync();
        });

        Assert.That((ex!.LoginRole, ex.DatabaseRole), Is.EqualTo((UserLogin.Name, "service_role")));
    }

    [Test]
    public async Task User_facing_login_context_created_for_a_user_refuses_to_become_the_service_role()
    {
        await using var context = CreateContext(UserLogin.ConnectionString);
        await using var acting = SessionActorScopeHolder.Begin(SessionActor.ForUser(Alice));
        await context.Database.OpenConnectionAsync();
        await using var transaction = await context.Database.BeginTransactionAsync();
        var asAlice = await context.Sessions.CountAsync();
        acting.Switch(SessionActor.ServiceRole);

        Assert.That(asAlice, Is.EqualTo(2));
        await Assert.ThrowsAsync<ActorRoleNotGrantedException>(() => context.Sessions.CountAsync());
    }

    private async Task<IDbContextTransaction?> OpenAsync(SessionsDbContext context)
    {
        await context.Database.OpenConnectionAsync();
        return scope == ClaimsScope.Transaction ? await context.Database.BeginTransactionAsync() : null;
    }

    private static async Task DisposeAsync(IDbContextTransaction? transaction)
    {
        if (transaction is not null)
        {
            await transaction.DisposeAsync();
        }
    }

    private SessionsDbContext CreateContext(string? connectionString = null) =>
        new(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(connectionString ?? Database.Server.AppConnectionString(Database.Name))
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o => o.ClaimsScope = scope)
            .Options);

    /// <summary>Acts as one actor, then another, in the same flow: each switch ends the previous scope in order.</summary>
    private sealed class SessionActorScopeHolder : IAsyncDisposable
    {
        private SessionActorScope current;

        private SessionActorScopeHolder(SessionActorScope current) => this.current = current;

        public static SessionActorScopeHolder Begin(SessionActor actor) => new(SessionActorScope.Begin(actor, "test"));

        public void Switch(SessionActor actor)
        {
            current.Dispose();
            current = SessionActorScope.Begin(actor, "test");
        }

        public ValueTask DisposeAsync()
        {
            current.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
