using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// Commands with positional parameters (<c>$1</c>) cannot carry the claims call in front of it (Npgsql does not split such
/// text into statements), so the claims are sent on their own first: the command still acts as the current actor, and
/// under <see cref="ClaimsScope.Transaction"/> it must run inside a transaction, or it is refused before anything runs.
/// </summary>
/// <remarks>
/// EF Core names every unnamed <see cref="System.Data.Common.DbParameter"/> passed to raw SQL (<c>p0</c>, …), so raw
/// SQL with <c>$1</c> fails in Npgsql with or without the library; a command reaches the interceptor with positional
/// parameters only when a host's own interceptor makes them so, as <see cref="PositionalParametersInterceptor"/> does.
/// </remarks>
[TestFixture(ClaimsScope.Connection)]
[TestFixture(ClaimsScope.Transaction)]
public sealed class PositionalParameterCommandTests(ClaimsScope scope)
{
    private const string OwnersQuery = "SELECT user_id AS \"Value\" FROM sessions WHERE $1";

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
    public async Task Query_in_a_transaction_sees_only_the_actors_rows_with_the_claims_sent_alone_first()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        await using var context = CreateContext();
        using var counter = new RoundTripCounter(Database.Name);
        await using var transaction = await context.Database.BeginTransactionAsync();

        var owners = await context.Database.SqlQueryRaw<Guid>(OwnersQuery, Positional(true)).ToListAsync();
        var again = await context.Database.SqlQueryRaw<Guid>(OwnersQuery, Positional(true)).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That((owners, again), Is.EqualTo((new List<Guid> { Alice, Alice }, new List<Guid> { Alice, Alice })));
            Assert.That(counter.Commands[0], Is.EqualTo(AuthClaimsConnectionInterceptor.ApplyClaimsStatement), "the claims alone, first");
            Assert.That(counter.Commands.Skip(1).Select(sql => sql.Contains("liftsys_sessions_apply_claims", StringComparison.Ordinal)), Is.EqualTo(new[] { false, false }));
        });
    }

    [Test]
    public void Synchronous_query_in_a_transaction_sees_only_the_actors_rows()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Bob), "test");
        using var context = CreateContext();
        using var transaction = context.Database.BeginTransaction();

        var owners = context.Database.SqlQueryRaw<Guid>(OwnersQuery, Positional(true)).ToList();

        Assert.That(owners, Is.EqualTo(new[] { Bob }));
    }

    [Test]
    public async Task Delete_of_another_users_rows_in_a_transaction_deletes_nothing()
    {
        await using var context = CreateContext();
        int deleted;
        using (SessionActorScope.Begin(SessionActor.ForUser(Alice), "test"))
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            deleted = await context.Database.ExecuteSqlRawAsync("DELETE FROM sessions WHERE user_id = $1", Positional(Bob));
            await transaction.CommitAsync();
        }

        using var asBob = SessionActorScope.Begin(SessionActor.ForUser(Bob), "test");
        Assert.That((deleted, await context.Sessions.CountAsync()), Is.EqualTo((0, 1)));
    }

    [Test]
    public async Task Query_outside_a_transaction_acts_as_the_actor_under_connection_scope_and_is_refused_under_transaction_scope()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        await using var context = CreateContext();

        if (scope == ClaimsScope.Connection)
        {
            var owners = await context.Database.SqlQueryRaw<Guid>(OwnersQuery, Positional(true)).ToListAsync();
            Assert.That(owners, Is.EqualTo(new[] { Alice, Alice }));
        }
        else
        {
            using var counter = new RoundTripCounter(Database.Name);
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Database.SqlQueryRaw<Guid>(OwnersQuery, Positional(true)).ToListAsync());
            Assert.That(counter.Count, Is.Zero, "nothing was sent");
            Assert.That(ex!.Message, Does.Contain("ClaimsScope.Transaction").And.Contain("BeginTransaction"));
        }
    }

    [Test]
    public void Synchronous_statement_outside_a_transaction_acts_as_the_actor_under_connection_scope_and_is_refused_under_transaction_scope()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        using var context = CreateContext();

        if (scope == ClaimsScope.Connection)
        {
            var deleted = context.Database.ExecuteSqlRaw("DELETE FROM sessions WHERE user_id = $1", Positional(Bob));
            using var asBob = SessionActorScope.Begin(SessionActor.ForUser(Bob), "test");
            Assert.That((deleted, context.Sessions.Count()), Is.EqualTo((0, 1)));
        }
        else
        {
            using var counter = new RoundTripCounter(Database.Name);
            Assert.Throws<InvalidOperationException>(() => context.Database.ExecuteSqlRaw("DELETE FROM sessions WHERE user_id = $1", Positional(Bob)));
            Assert.That(counter.Count, Is.Zero, "nothing was sent");
        }
    }

    [Test]
    public async Task Owner_login_is_refused_with_unsafe_login_role_exception_sync_and_async()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        using var context = CreateContext(Database.OwnerConnectionString);
        using var transaction = context.Database.BeginTransaction();

        var sync = Assert.Throws<UnsafeLoginRoleException>(() => context.Database.ExecuteSqlRaw("SELECT $1", Positional(1)));
        transaction.Rollback();
        using var next = context.Database.BeginTransaction();
        var async = await Assert.ThrowsAsync<UnsafeLoginRoleException>(() => context.Database.ExecuteSqlRawAsync("SELECT $1", Positional(1)));

        Assert.That((sync!.LoginRole, async!.LoginRole), Is.EqualTo((PostgresServer.OwnerRole, PostgresServer.OwnerRole)));
    }

    [Test]
    public async Task User_facing_login_asked_to_act_as_the_service_role_is_refused_with_a_library_exception_sync_and_async()
    {
        using var actor = SessionActorScope.BeginServiceRole("test: the wrong login for the service role");
        using var context = CreateContext(UserLogin.ConnectionString);
        using var transaction = context.Database.BeginTransaction();

        var sync = Assert.Throws<ActorRoleNotGrantedException>(() => context.Database.SqlQueryRaw<int>("SELECT $1 AS \"Value\"", Positional(1)).ToList());
        transaction.Rollback();
        using var next = context.Database.BeginTransaction();
        var async = await Assert.ThrowsAsync<ActorRoleNotGrantedException>(() => context.Database.SqlQueryRaw<int>("SELECT $1 AS \"Value\"", Positional(1)).ToListAsync());

        Assert.That((sync!.DatabaseRole, async!.DatabaseRole), Is.EqualTo(("service_role", "service_role")));
    }

    [Test]
    public async Task Claims_call_failing_for_another_reason_surfaces_the_database_error_unchanged()
    {
        await using var context = CreateContext();
        using var asAlice = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        await using var transaction = await context.Database.BeginTransactionAsync();
        await context.Sessions.CountAsync();
        await Assert.ThrowsAsync<PostgresException>(() => context.Database.ExecuteSqlRawAsync("SELECT 1 / 0"));
        using var asBob = SessionActorScope.Begin(SessionActor.ForUser(Bob), "test");

        // The transaction is aborted: the claims call for Bob fails, and not with a claims error.
        var ex = await Assert.ThrowsAsync<PostgresException>(() => context.Database.SqlQueryRaw<Guid>(OwnersQuery, Positional(true)).ToListAsync());

        Assert.That(ex!.SqlState, Is.EqualTo(PostgresErrorCodes.InFailedSqlTransaction));
    }

    [Test]
    public async Task Interceptor_registered_twice_still_acts_as_the_actor()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(Database.Server.AppConnectionString(Database.Name))
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o => o.ClaimsScope = scope)
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o => o.ClaimsScope = scope)
            .Options);
        await using var transaction = await context.Database.BeginTransactionAsync();

        // The second interceptor finds the first one's claims call in the command and sends its own alone first.
        var owners = await context.Sessions.Select(s => s.UserId).ToListAsync();

        Assert.That(owners, Is.EqualTo(new[] { Alice, Alice }));
    }

    private static NpgsqlParameter Positional(object value) => new() { Value = value };

    private SessionsDbContext CreateContext(string? connectionString = null) =>
        new(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(connectionString ?? Database.Server.AppConnectionString(Database.Name))
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o => o.ClaimsScope = scope)
            .AddInterceptors(PositionalParametersInterceptor.Instance)
            .Options);
}
