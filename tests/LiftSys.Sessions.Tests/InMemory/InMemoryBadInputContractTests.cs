using LiftSys.Sessions.InMemory;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport.Contracts;

namespace LiftSys.Sessions.Tests.InMemory;

/// <summary>Runs the bad-input contract against <see cref="InMemorySessionStore"/>.</summary>
[TestFixture]
public sealed class InMemoryBadInputContractTests : BadInputContractTests
{
    private InMemorySessionStore? store;

    protected override Task<ISessionStore> CreateStoreAsync(ISessionActorAccessor actors, TimeProvider timeProvider)
    {
        store = new InMemorySessionStore(actors, timeProvider);
        return Task.FromResult<ISessionStore>(store);
    }

    protected override Task<StoredRowCounts> CountStoredRowsAsync()
    {
        var (sessions, revisions, drafts, holeResolutions) = store!.CountRows();
        return Task.FromResult(new StoredRowCounts(sessions, revisions, drafts, holeResolutions));
    }
}
