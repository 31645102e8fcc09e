using System.Text.Json;
using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>The library's side of isolation: the interceptor that tells PostgreSQL who is acting.</summary>
public sealed class AuthClaimsConnectionInterceptorTests
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
            await using var context = CreateContext(ClaimsScope.Connection);
            context.Sessions.AddRange(
                Session.StartFromPrompt(alice, "alice 1"), Session.StartFromPrompt(alice, "alice 2"), Session.StartFromPrompt(bob, "bob 1"));
            await context.SaveChangesAsync();
        }
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [TestCase(ClaimsScope.Connection)]
    [TestCase(ClaimsScope.Transaction)]
    public async Task Query_as_user_returns_only_that_users_sessions(ClaimsScope scope)
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await using var context = CreateContext(scope);
        await using var transaction = scope == ClaimsScope.Transaction ? await context.Database.BeginTransactionAsync() : null;

        var owners = await context.Sessions.Select(s => s.UserId).ToListAsync();

        Assert.That(owners, Is.EqualTo(new[] { alice, alice }));
    }

    [Test]
    public async Task Query_as_service_role_returns_every_users_sessions()
    {
        using var actor = SessionActorScope.BeginServiceRole("test: read across users");
        await using var context = CreateContext(ClaimsScope.Connection);

        var owners = await context.Sessions.Select(s => s.UserId).Distinct().ToListAsync();

        Assert.That(owners, Is.EquivalentTo(new[] { alice, bob }));
    }

    [Test]
    public async Task Query_with_no_actor_is_denied_rather_than_run_with_login_rights()
    {
        await using var context = CreateContext(ClaimsScope.Connection);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => context.Sessions.CountAsync());

        Assert.That(ex!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
    }

    [Test]
    public async Task Host_accessor_is_used_when_no_scope_is_active_and_a_scope_overrides_it()
    {
        var accessor = new FixedActorAccessor(SessionActor.ForUser(bob));
        await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(accessor)
            .Options);

        var fromAccessor = await context.Sessions.Select(s => s.UserId).Distinct().ToListAsync();
        List<Guid> fromScope;
        using (SessionActorScope.Begin(SessionActor.ForUser(alice), "test: background job for alice"))
        {
            fromScope = await context.Sessions.Select(s => s.UserId).Distinct().ToListAsync();
        }

        Assert.That((fromAccessor.Single(), fromScope.Single()), Is.EqualTo((bob, alice)));
    }

    [Test]
    public async Task Insert_for_another_user_through_EF_is_rejected_by_the_database()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await using var context = CreateContext(ClaimsScope.Connection);
        context.Sessions.Add(Session.StartFromPrompt(bob, "spoofed"));

        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());

        Assert.That(ex!.InnerException, Is.TypeOf<PostgresException>().With.Property(nameof(PostgresException.MessageText)).Contains("row-level security"));
    }

    [Test]
    public async Task Claims_with_quotes_and_sql_reach_auth_jwt_verbatim()
    {
        const string hostile = "o'brien\"; DROP TABLE sessions; -- \\ $1 $$";
        var claims = new Dictionary<string, JsonElement> { ["email"] = JsonSerializer.SerializeToElement(hostile) };
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice, claims), "test");
        await using var context = CreateContext(ClaimsScope.Connection);

        var email = await context.Database.SqlQueryRaw<string>("SELECT auth.jwt() ->> 'email' AS \"Value\"").SingleAsync();
        var uid = await context.Database.SqlQueryRaw<Guid>("SELECT auth.uid() AS \"Value\"").SingleAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(email, Is.EqualTo(hostile));
            Assert.That(uid, Is.EqualTo(alice));
            Assert.That(await context.Sessions.CountAsync(), Is.EqualTo(2), "sessions still exists and still isolates");
        });
    }

    [Test]
    public async Task Transaction_scope_command_outside_a_transaction_carries_claims_that_end_with_it()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await using var context = CreateContext(ClaimsScope.Transaction);
        await context.Database.OpenConnectionAsync();

        var owners = await context.Sessions.Select(s => s.UserId).Distinct().ToListAsync();

        // The query's batch was one implicit transaction with transaction-local claims: right for it, gone after it.
        await using var probe = new NpgsqlCommand(
            "SELECT current_user::text, coalesce(current_setting('request.jwt.claims', true), '')",
            (NpgsqlConnection)context.Database.GetDbConnection());
        await using var reader = await probe.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Multiple(() =>
        {
            Assert.That(owners, Is.EqualTo(new[] { alice }));
            Assert.That(reader.GetString(0), Is.EqualTo(PostgresServer.AppRole));
            Assert.That(reader.GetString(1), Is.Empty);
        });
    }

    [Test]
    public async Task Transaction_scope_save_changes_of_a_single_row_runs_in_a_transaction()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(bob), "test");
        await using var context = CreateContext(ClaimsScope.Transaction);
        var session = Session.StartFromCode(bob, "print('hi')");
        context.Sessions.Add(session);

        await context.SaveChangesAsync();

        Assert.That(session.CreatedAt, Is.Not.EqualTo(default(DateTimeOffset)));
    }

    [Test]
    public async Task Transaction_scope_claims_end_with_the_transaction()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await using var context = CreateContext(ClaimsScope.Transaction);
        await context.Database.OpenConnectionAsync();
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        string? insideUser;
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            insideUser = await context.Database.SqlQueryRaw<string>("SELECT current_user::text AS \"Value\"").SingleAsync();
            await transaction.CommitAsync();
        }

        var afterUser = await connection.ScalarAsync<string>("SELECT current_user::text");
        var afterClaims = await connection.ScalarAsync<string>("SELECT coalesce(current_setting('request.jwt.claims', true), '')");

        Assert.That((insideUser, afterUser, afterClaims), Is.EqualTo(("authenticated", PostgresServer.AppRole, "")));
    }

    [Test]
    public async Task Connection_scope_claims_do_not_survive_the_return_to_the_pool()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(database.Server.AppConnectionString(database.Name))
        {
            MaxPoolSize = 1,
            ApplicationName = "pool-reset-test",
        }.ConnectionString;
        using (SessionActorScope.Begin(SessionActor.ForUser(alice), "test"))
        {
            await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
                .UseNpgsql(connectionString).UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance).Options);
            await context.Sessions.CountAsync();
        }

        await using var reused = new NpgsqlConnection(connectionString);
        await reused.OpenAsync();
        var user = await reused.ScalarAsync<string>("SELECT current_user::text");
        var claims = await reused.ScalarAsync<string>("SELECT coalesce(current_setting('request.jwt.claims', true), '')");
        var visible = await Assert.ThrowsAsync<PostgresException>(() => reused.ScalarAsync<long>("SELECT count(*) FROM sessions"));

        Assert.That((user, claims, visible!.SqlState), Is.EqualTo((PostgresServer.AppRole, "", PostgresErrorCodes.InsufficientPrivilege)));
    }

    [TestCase(ClaimsScope.Connection)]
    [TestCase(ClaimsScope.Transaction)]
    public async Task Owner_login_is_refused_with_unsafe_login_role_exception(ClaimsScope scope)
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await using var context = CreateContext(scope, database.OwnerConnectionString);

        var ex = await Assert.ThrowsAsync<UnsafeLoginRoleException>(async () =>
        {
            await using var transaction = scope == ClaimsScope.Transaction ? await context.Database.BeginTransactionAsync() : null;
            await context.Sessions.CountAsync();
        });

        Assert.That((ex!.LoginRole, ex.Reasons.Single()), Is.EqualTo((PostgresServer.OwnerRole, "the owner of the session tables (or a member inheriting from it)")));
    }

    [Test]
    public async Task Superuser_login_is_refused_with_unsafe_login_role_exception()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await using var context = CreateContext(ClaimsScope.Connection, database.SuperuserConnectionString);

        var ex = await Assert.ThrowsAsync<UnsafeLoginRoleException>(() => context.Sessions.CountAsync());

        Assert.That(ex!.Reasons, Does.Contain("a superuser").And.Contain("a BYPASSRLS role"));
    }

    [Test]
    public async Task ServiceRoleOnly_allows_the_service_role_on_a_privileged_login_but_still_refuses_users()
    {
        await using var context = CreateContext(ClaimsScope.Connection, database.OwnerConnectionString, serviceRoleOnly: true);

        long asService;
        using (SessionActorScope.BeginServiceRole("test: admin tool logged in as the owner"))
        {
            asService = await context.Sessions.LongCountAsync();
        }

        using var user = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        Assert.That(asService, Is.GreaterThanOrEqualTo(3));
        await Assert.ThrowsAsync<UnsafeLoginRoleException>(() => context.Sessions.CountAsync());
    }

    [Test]
    public async Task Connection_scope_claims_ride_with_the_first_command_of_each_connection_open()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await using var context = CreateContext(ClaimsScope.Connection);
        using var counter = new RoundTripCounter(database.Name);

        await context.Sessions.CountAsync();
        await context.Sessions.Where(s => s.UserId == alice).ToListAsync();

        Assert.That(counter.Commands.Select(Kind), Is.EqualTo(new[] { "claims+query", "claims+query" }));
    }

    [Test]
    public async Task Transaction_scope_claims_ride_with_the_first_command_of_each_transaction_whatever_it_contains()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(alice), "test");
        await using var context = CreateContext(ClaimsScope.Transaction);
        using var counter = new RoundTripCounter(database.Name);

        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            await context.Sessions.CountAsync();
            await context.Sessions.Where(s => s.UserId == alice).ToListAsync();
            await context.Sessions.AnyAsync(s => s.UserId == bob);
            await transaction.CommitAsync();
        }

        Assert.That(counter.Commands.Select(Kind), Is.EqualTo(new[] { "claims+query", "query", "query" }));
    }

    // The claims call in front of a command's own statements, the claims call alone (a round trip of its own), or a
    // command without claims.
    private static string Kind(string sql) => sql.StartsWith("CALL liftsys_sessions_apply_claims(", StringComparison.Ordinal)
        ? (sql.Contains(';', StringComparison.Ordinal) ? "claims+query" : "claims")
        : "query";

    private SessionsDbContext CreateContext(ClaimsScope scope, string? connectionString = null, bool serviceRoleOnly = false) =>
        new(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(connectionString ?? database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance, o =>
            {
                o.ClaimsScope = scope;
                o.ServiceRoleOnly = serviceRoleOnly;
            })
            .Options);

    private sealed class FixedActorAccessor(SessionActor actor) : ISessionActorAccessor
    {
        public SessionActor Current => actor;
    }
}
