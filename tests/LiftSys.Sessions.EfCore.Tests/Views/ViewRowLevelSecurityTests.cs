using LiftSys.Sessions.EfCore.ReadModels;
using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.EfCore.Tests.Security;
using LiftSys.Sessions.EfCore.Tests.Triggers;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Views;

/// <summary>
/// The views under row-level security (they are security_invoker), connected as the application's NOINHERIT login:
/// a user sees none of another user's rows through any view, and the same numbers for their own rows as the service
/// role, which sees every row.
/// </summary>
public sealed class ViewRowLevelSecurityTests
{
    private TestDatabase database = null!;
    private Guid alice;
    private Guid bob;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithTwoUsers()
    {
        database = await TestDatabase.CreateAsync();
        (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        await using var owner = await database.OpenOwnerConnectionAsync();
        foreach (var (user, sessions) in new[] { (alice, 2), (bob, 1) })
        {
            for (var i = 0; i < sessions; i++)
            {
                var session = await SqlRows.InsertSessionAsync(owner, user);
                foreach (var table in ChildRows.Tables)
                {
                    await ChildRows.InsertAsync(owner, table, session, 1, 2);
                }

                await owner.ExecuteAsync(
                    "UPDATE session_drafts SET syntax_valid = true, ast_valid = draft_number = 1, llm_cost_usd = 0.25, llm_tokens_used = 100 WHERE session_id = $1",
                    session);
            }
        }
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    // Rows per user: alice has 2 sessions, bob 1, each with 2 revisions, 2 drafts and 2 resolutions.
    [TestCase("session_summary", 2, 1)]
    [TestCase("user_analytics", 1, 1)]
    [TestCase("recent_activity", 14, 7)]
    [TestCase("draft_validation_stats", 2, 1)]
    public async Task User_sees_none_of_another_users_rows_while_the_service_role_sees_all(string view, int aliceRows, int bobRows)
    {
        await using var asBob = await ActorConnections.OpenAsync(database, Actor.Owner, bob, alice);
        await using var asService = await ActorConnections.OpenAsync(database, Actor.ServiceRole, bob, alice);

        var seenByBob = await RowsPerUserAsync(asBob, view);
        var seenByService = await RowsPerUserAsync(asService, view);

        Assert.Multiple(() =>
        {
            Assert.That(seenByBob, Is.EqualTo((0L, (long)bobRows, (long)bobRows)), "alice's, bob's, all rows as bob");
            Assert.That(seenByService, Is.EqualTo(((long)aliceRows, (long)bobRows, (long)(aliceRows + bobRows))), "as the service role");
        });
    }

    [TestCase("session_summary")]
    [TestCase("user_analytics")]
    [TestCase("recent_activity")]
    [TestCase("draft_validation_stats")]
    public async Task User_sees_the_same_numbers_for_their_own_rows_as_the_service_role(string view)
    {
        await using var asBob = await ActorConnections.OpenAsync(database, Actor.Owner, bob, alice);
        await using var asService = await ActorConnections.OpenAsync(database, Actor.ServiceRole, bob, alice);
        var sql = $"SELECT coalesce(array_agg(v::text ORDER BY v::text), '{{}}') FROM {view} v WHERE user_id = $1";

        var seenByBob = await asBob.ScalarAsync<string[]>(sql, bob);
        var seenByService = await asService.ScalarAsync<string[]>(sql, bob);

        Assert.That(seenByBob, Is.EqualTo(seenByService).And.Not.Empty);
    }

    [TestCase("session_summary")]
    [TestCase("user_analytics")]
    [TestCase("recent_activity")]
    [TestCase("draft_validation_stats")]
    public async Task Anonymous_role_may_not_read_the_view_and_a_role_without_claims_sees_nothing(string view)
    {
        await using var anonymous = await ActorConnections.OpenAsync(database, Actor.Anonymous, alice, bob);
        await using var withoutClaims = new NpgsqlConnection(database.Server.AppConnectionString(database.Name));
        await withoutClaims.OpenAsync();
        await withoutClaims.ExecuteAsync("SELECT set_config('role', 'authenticated', false)");

        var ex = await Assert.ThrowsAsync<PostgresException>(() => anonymous.ScalarAsync<long>($"SELECT count(*) FROM {view}"));
        var visible = await withoutClaims.ScalarAsync<long>($"SELECT count(*) FROM {view}");

        Assert.Multiple(() =>
        {
            Assert.That(ex!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(visible, Is.Zero);
        });
    }

    [Test]
    public async Task Read_models_and_common_queries_through_the_library_show_a_user_only_their_rows()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(bob), "test");
        await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance)
            .Options);

        var summaries = await context.SessionSummaries.ToListAsync();
        var activity = await context.RecentActivities.ToListAsync();
        var aliceUsage = await context.GetUsageAsync(alice);
        var aliceRate = await context.GetValidationSuccessRateAsync(alice);
        var bobUsage = await context.GetUsageAsync(bob);

        Assert.Multiple(() =>
        {
            Assert.That(summaries.Select(s => s.UserId), Is.EqualTo(new[] { bob }));
            Assert.That(activity.Select(a => a.UserId).Distinct(), Is.EqualTo(new[] { bob }));
            Assert.That(aliceUsage, Is.EqualTo(new UserUsage(0m, 0, 0)), "alice's usage is invisible to bob");
            Assert.That(aliceRate, Is.EqualTo(new ValidationSuccessRate(null, 0, 0)));
            Assert.That(bobUsage, Is.EqualTo(new UserUsage(0.5m, 200, 1)));
        });
    }

    /// <summary>Counts (alice's rows, bob's rows, all rows) of a view as the connection's role sees them.</summary>
    private async Task<(long Alice, long Bob, long All)> RowsPerUserAsync(NpgsqlConnection connection, string view)
    {
        var counts = await connection.ScalarAsync<long[]>(
            $"SELECT ARRAY[count(*) FILTER (WHERE user_id = $1), count(*) FILTER (WHERE user_id = $2), count(*)] FROM {view}", alice, bob);
        return (counts![0], counts[1], counts[2]);
    }
}
