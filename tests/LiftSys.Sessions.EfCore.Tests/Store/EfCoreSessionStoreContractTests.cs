using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// The store contract against PostgreSQL, connected as the application's NOINHERIT login so row-level security is real,
/// once per claims scope. One database per fixture, emptied (as its owner) before each test.
/// </summary>
[TestFixture(ClaimsScope.Connection)]
[TestFixture(ClaimsScope.Transaction)]
public sealed class EfCoreSessionStoreContractTests(ClaimsScope scope) : SessionStoreContractTests
{
    private TestDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    protected override async Task<ISessionStore> CreateStoreAsync(ISessionActorAccessor actors, TimeProvider timeProvider)
    {
        await using (var owner = await database.OpenOwnerConnectionAsync())
        {
            await owner.ExecuteAsync("TRUNCATE sessions, session_revisions, session_drafts, hole_resolutions");
        }

        var options = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(actors, o => o.ClaimsScope = scope)
            .Options;
        return new EfCoreSessionStore(new PooledDbContextFactory<SessionsDbContext>(options), actors, timeProvider);
    }

    protected override async Task<StoredRowCounts> CountStoredRowsAsync()
    {
        // As the owner, which row-level security does not filter: every row, whoever owns it.
        await using var owner = await database.OpenOwnerConnectionAsync();
        return new StoredRowCounts(
            (int)await owner.ScalarAsync<long>("SELECT count(*) FROM sessions"),
            (int)await owner.ScalarAsync<long>("SELECT count(*) FROM session_revisions"),
            (int)await owner.ScalarAsync<long>("SELECT count(*) FROM session_drafts"),
            (int)await owner.ScalarAsync<long>("SELECT count(*) FROM hole_resolutions"));
    }
}
