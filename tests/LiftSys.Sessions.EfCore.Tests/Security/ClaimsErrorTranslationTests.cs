using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// The SQLSTATEs <c>liftsys_sessions_apply_claims</c> raises become the library's exceptions whatever detail they carry:
/// a refusal is never mistaken for another error, even one whose detail or hint is missing or unknown.
/// </summary>
public sealed class ClaimsErrorTranslationTests
{
    private TestDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [Test]
    public void Unsafe_login_error_without_detail_or_hint_is_still_refused_as_unsafe()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "test");
        using var context = CreateContext();

        var ex = Assert.Throws<UnsafeLoginRoleException>(() => context.Database.ExecuteSqlRaw(Raise("LS401", detail: null, hint: null)));

        Assert.That((ex!.LoginRole, ex.Reasons.Count), Is.EqualTo(("(unknown)", 0)));
    }

    [Test]
    public async Task Unsafe_login_error_with_an_unknown_reason_code_names_it_as_it_is()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "test");
        await using var context = CreateContext();

        var ex = await Assert.ThrowsAsync<UnsafeLoginRoleException>(() => context.Database.ExecuteSqlRawAsync(Raise("LS401", "someone", "bypassrls,new_reason")));

        Assert.That((ex!.LoginRole, ex.Reasons), Is.EqualTo(("someone", new[] { "a BYPASSRLS role", "new_reason" })));
    }

    [Test]
    public void Role_not_granted_error_without_detail_or_hint_is_still_refused_as_not_granted()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "test");
        using var context = CreateContext();

        var ex = Assert.Throws<ActorRoleNotGrantedException>(() => context.Database.ExecuteSqlRaw(Raise("LS403", detail: null, hint: null)));

        Assert.That((ex!.LoginRole, ex.DatabaseRole), Is.EqualTo(("(unknown)", "(unknown)")));
    }

    [Test]
    public void Role_not_granted_for_a_user_role_tells_to_grant_it_and_for_the_service_role_where_service_work_runs()
    {
        var user = new ActorRoleNotGrantedException("app", "authenticated");
        var service = new ActorRoleNotGrantedException("app", "service_role");

        Assert.Multiple(() =>
        {
            Assert.That(user.Message, Does.Contain("Grant authenticated to the login").And.Not.Contain("ServiceRoleConnectionString"));
            Assert.That(service.Message, Does.Contain("ServiceRoleConnectionString").And.Not.Contain("Grant "));
        });
    }

    [Test]
    public void Unsafe_login_exception_without_reasons_has_an_empty_list()
    {
        var ex = new UnsafeLoginRoleException("app", null!);

        Assert.That((ex.Reasons, ex.Message), Is.EqualTo((Array.Empty<string>(), ex.Message)));
        Assert.That(ex.Message, Does.Contain("'app', which is : row-level"));
    }

    [Test]
    public void Other_database_errors_are_not_translated()
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "test");
        using var context = CreateContext();

        var ex = Assert.Throws<PostgresException>(() => context.Database.ExecuteSqlRaw(Raise("LS499", "x", "y")));

        Assert.That(ex!.SqlState, Is.EqualTo("LS499"));
    }

    // A DO block cannot take parameters; the values are constants of this test, quoted by the server's rules.
    private static string Raise(string sqlState, string? detail, string? hint)
    {
        var options = new List<string> { "ERRCODE = '" + sqlState + "'" };
        if (detail is not null)
        {
            options.Add("DETAIL = '" + detail + "'");
        }

        if (hint is not null)
        {
            options.Add("HINT = '" + hint + "'");
        }

        return "DO $$ BEGIN RAISE EXCEPTION 'refused' USING " + string.Join(", ", options) + "; END $$";
    }

    private SessionsDbContext CreateContext() =>
        new(new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance)
            .Options);
}
