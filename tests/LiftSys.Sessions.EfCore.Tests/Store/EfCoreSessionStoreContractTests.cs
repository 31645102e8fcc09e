using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Contracts;

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

    protected override Task<ISessionStore> CreateStoreAsync(ISessionActorAccessor actors, TimeProvider timeProvider) =>
        ContractStores.CreateEmptyAsync(database, scope, actors, timeProvider);

    protected override Task<StoredRowCounts> CountStoredRowsAsync() => ContractStores.CountRowsAsync(database);
}
