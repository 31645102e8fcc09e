using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Contracts;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>The bad-input contract against PostgreSQL, as the application's NOINHERIT login, once per claims scope.</summary>
[TestFixture(ClaimsScope.Connection)]
[TestFixture(ClaimsScope.Transaction)]
public sealed class EfCoreBadInputContractTests(ClaimsScope scope) : BadInputContractTests
{
    private TestDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    protected override Task<ISessionStore> CreateStoreAsync(ISessionActorAccessor actors, TimeProvider timeProvider) =>
        ContractStores.CreateEmptyAsync(database, scope, actors, timeProvider);

    protected override Task<StoredRowCounts> CountStoredRowsAsync() => ContractStores.CountRowsAsync(database);
}
