using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// A host that calls EF Core synchronously (ToList, Count, SaveChanges, ExecuteDelete, BeginTransaction, Commit, …) gets
/// the same isolation as an asynchronous one: the interceptor's synchronous hooks set, remember and forget the claims
/// exactly as the asynchronous ones do, and translate the procedure's refusals into the library's exceptions.
/// </summary>
[TestFixture(ClaimsScope.Connection)]
[TestFixture(ClaimsScope.Transaction)]
public sealed class SynchronousHostTests(ClaimsScope scope)
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
    public void ToList_and_Count_as_a_user_see_only_that_users_rows()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        using var context = CreateContext();

        var owners = context.Sessions.Select(s => s.UserId).ToList();
        var count = context.Sessions.Count();

        Assert.That((owners, count), Is.EqualTo((new List<Guid> { Alice, Alice }, 2)));
    }

    [Test]
    public void SaveChanges_of_a_single_row_inserts_it_for_its_owner_only()
    {
        var carol = Guid.NewGuid();
        using var context = CreateContext();
        using (SessionActorScope.Begin(SessionActor.ForUser(carol), "test"))
        {
            context.Sessions.Add(Session.StartFromPrompt(carol, "carol's"));
            context.SaveChanges();
        }

        using var asBob = SessionActorScope.Begin(SessionActor.ForUser(Bob), "test");
        Assert.That(context.Sessions.Count(s => s.UserId == carol), Is.Zero, "bob does not see carol's row");
        using var asCarol = SessionActorScope.Begin(SessionActor.ForUser(carol), "test");
        Assert.That(context.Sessions.Select(s => s.UserId).ToList(), Is.EqualTo(new[] { carol }));
    }

    [Test]
    public void SaveChanges_for_another_user_is_rejected_by_the_database()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        using var context = CreateContext();
        context.Sessions.Add(Session.StartFromPrompt(Bob, "spoofed"));

        var ex = Assert.Throws<DbUpdateException>(() => context.SaveChanges());

        Assert.That(ex!.InnerException, Is.TypeOf<PostgresException>().With.Property(nameof(PostgresException.MessageText)).Contains("row-level security"));
    }

    [Test]
    public void ExecuteDelete_as_a_user_deletes_only_that_users_rows()
    {
        var (carol, dave) = (Guid.NewGuid(), Guid.NewGuid());
        using (SessionActorScope.BeginServiceRole("test setup"))
        {
            using var setup = CreateContext();
            using var transaction = setup.Database.BeginTransaction();
            setup.Sessions.AddRange(Session.StartFromPrompt(carol, "c1"), Session.StartFromPrompt(carol, "c2"), Session.StartFromPrompt(dave, "d1"));
            setup.SaveChanges();
            transaction.Commit();
        }

        using var context = CreateContext();
        int deleted;
        using (SessionActorScope.Begin(SessionActor.ForUser(dave), "test"))
        {
            deleted = context.Sessions.ExecuteDelete();
        }

        using var asCarol = SessionActorScope.Begin(SessionActor.ForUser(carol), "test");
        Assert.That((deleted, context.Sessions.Count()), Is.EqualTo((1, 2)));
    }

    [Test]
    public void Committed_transaction_leaves_the_claims_on_the_connection_only_under_connection_scope()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        using var context = CreateContext();
        context.Database.OpenConnection();
        int inside;
        using (var transaction = context.Database.BeginTransaction())
        {
            inside = context.Sessions.Count();
            transaction.Commit();
        }

        var after = Probe(context);
        var afterCount = context.Sessions.Count();

        Assert.Multiple(() =>
        {
            Assert.That(inside, Is.EqualTo(2));
            Assert.That(after, Is.EqualTo(scope == ClaimsScope.Connection ? "authenticated" : PostgresServer.AppRole));
            Assert.That(afterCount, Is.EqualTo(2), "the next command acts as alice either way");
        });
    }

    [Test]
    public void Rolled_back_transaction_took_the_claims_with_it_and_they_are_set_again()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        using var context = CreateContext();
        context.Database.OpenConnection();
        int inside;
        using (var transaction = context.Database.BeginTransaction())
        {
            inside = context.Sessions.Count();
            transaction.Rollback();
        }

        var after = Probe(context);
        var owners = context.Sessions.Select(s => s.UserId).Distinct().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(inside, Is.EqualTo(2));
            Assert.That(after, Is.EqualTo(PostgresServer.AppRole), "the rollback undid the role switch, even a session-level one");
            Assert.That(owners, Is.EqualTo(new[] { Alice }));
        });
    }

    [Test]
    public void Rollback_to_a_savepoint_that_undid_the_new_actors_claims_sets_them_again()
    {
        using var context = CreateContext();
        using (SessionActorScope.Begin(SessionActor.ForUser(Alice), "test"))
        {
            context.Database.OpenConnection();
        }

        using var transaction = context.Database.BeginTransaction();
        transaction.CreateSavepoint("before_bob");
        using var asBob = SessionActorScope.Begin(SessionActor.ForUser(Bob), "test");
        var asBobBefore = context.Sessions.Count();

        transaction.RollbackToSavepoint("before_bob");
        var owners = context.Sessions.Select(s => s.UserId).ToList();

        Assert.That((asBobBefore, owners), Is.EqualTo((1, new List<Guid> { Bob })));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Transaction_ended_after_claims_set_before_it_keeps_them_exactly_when_they_outlive_it(bool commit)
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        using var context = CreateContext();
        context.Database.OpenConnection();
        int before;
        using (var first = context.Database.BeginTransaction())
        {
            before = context.Sessions.Count();
            first.Commit();
        }

        using var counter = new RoundTripCounter(Database.Name);
        int inside;
        using (var second = context.Database.BeginTransaction())
        {
            inside = context.Sessions.Count();
            if (commit)
            {
                second.Commit();
            }
            else
            {
                second.Rollback();
            }
        }

        var after = context.Sessions.Count();
        var carried = counter.Commands.Select(sql => sql.StartsWith("CALL liftsys_sessions_apply_claims(", StringComparison.Ordinal)).ToArray();

        // Under ClaimsScope.Connection the first transaction's commit made the claims the connection's own: the second
        // transaction, however it ends, neither needs nor undoes them. Under ClaimsScope.Transaction each needs its own.
        Assert.Multiple(() =>
        {
            Assert.That((before, inside, after), Is.EqualTo((2, 2, 2)));
            Assert.That(carried, Is.EqualTo(scope == ClaimsScope.Connection ? new[] { false, false } : new[] { true, true }));
        });
    }

    [Test]
    public void Transaction_used_from_the_host_gets_the_actors_claims()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Bob), "test");
        using var connection = new NpgsqlConnection(Database.Server.AppConnectionString(Database.Name));
        connection.Open();
        using var hostTransaction = connection.BeginTransaction();
        using var context = CreateContext(connection);

        context.Database.UseTransaction(hostTransaction);
        var owners = context.Sessions.Select(s => s.UserId).ToList();
        hostTransaction.Commit();

        Assert.That(owners, Is.EqualTo(new[] { Bob }));
    }

    [Test]
    public void Owner_login_is_refused_with_unsafe_login_role_exception()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        using var context = CreateContext(Database.OwnerConnectionString);
        using var transaction = scope == ClaimsScope.Transaction ? context.Database.BeginTransaction() : null;

        var ex = Assert.Throws<UnsafeLoginRoleException>(() => context.Sessions.Count());

        Assert.That((ex!.LoginRole, ex.Reasons.Single()), Is.EqualTo((PostgresServer.OwnerRole, "the owner of the session tables (or a member inheriting from it)")));
    }

    [Test]
    public void User_facing_login_asked_to_act_as_the_service_role_is_refused_with_a_library_exception()
    {
        using var actor = SessionActorScope.BeginServiceRole("test: the wrong login for the service role");
        using var context = CreateContext(UserLogin.ConnectionString);
        using var transaction = scope == ClaimsScope.Transaction ? context.Database.BeginTransaction() : null;

        var ex = Assert.Throws<ActorRoleNotGrantedException>(() => context.Sessions.Count());

        Assert.That((ex!.LoginRole, ex.DatabaseRole), Is.EqualTo((UserLogin.Name, "service_role")));
    }

    [Test]
    public void SaveChanges_on_the_owner_login_is_refused_before_anything_is_written()
    {
        var carol = Guid.NewGuid();
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(carol), "test");
        using var context = CreateContext(Database.OwnerConnectionString);
        context.Sessions.Add(Session.StartFromPrompt(carol, "never written"));

        // EF Core wraps whatever fails inside SaveChanges in a DbUpdateException.
        var ex = Assert.Throws<DbUpdateException>(() => context.SaveChanges());

        using var appContext = CreateContext();
        var written = appContext.Sessions.Count();
        Assert.That((ex!.InnerException?.GetType(), written), Is.EqualTo((typeof(UnsafeLoginRoleException), 0)));
    }

    [Test]
    public async Task Scalar_commands_act_as_the_actor_and_leave_claims_that_hold_only_where_they_are_known_to()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        using var context = CreateContext();
        var creator = context.GetService<IRelationalDatabaseCreator>();
        context.Database.OpenConnection();
        using var counter = new RoundTripCounter(Database.Name);

        // EF Core runs HasTables as a scalar command: it completes with its implicit transaction, so under
        // ClaimsScope.Connection its claims are the connection's from then on.
        var hasTables = creator.HasTables();
        var hasTablesAsync = await creator.HasTablesAsync();
        var kinds = counter.Commands.Select(sql => sql.StartsWith("CALL liftsys_sessions_apply_claims(", StringComparison.Ordinal)).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That((hasTables, hasTablesAsync, Probe(context)), Is.EqualTo((true, true, scope == ClaimsScope.Connection ? "authenticated" : PostgresServer.AppRole)));
            Assert.That(kinds, Is.EqualTo(scope == ClaimsScope.Connection ? new[] { true, false } : new[] { true, true }));
        });
    }

    // The login's current role on the context's connection, read past the interceptor.
    private static string Probe(SessionsDbContext context)
    {
        using var command = new NpgsqlCommand("SELECT current_user::text", (NpgsqlConnection)context.Database.GetDbConnection());
        return (string)command.ExecuteScalar()!;
    }

    private SessionsDbContext CreateContext(string? connectionString = null) =>
        Configure(new DbContextOptionsBuilder<SessionsDbContext>().UseNpgsql(connectionString ?? Database.Server.AppConnectionString(Database.Name)));

    private SessionsDbContext CreateContext(NpgsqlConnection connection) =>
        Configure(new DbContextOptionsBuilder<SessionsDbContext>().UseNpgsql(connection));

    private SessionsDbContext Configure(DbContextOptionsBuilder<SessionsDbContext> builder) =>
        new(builder.UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o => o.ClaimsScope = scope).Options);
}
