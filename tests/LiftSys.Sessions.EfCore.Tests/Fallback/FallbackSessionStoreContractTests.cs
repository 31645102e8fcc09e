using LiftSys.Sessions.EfCore.DependencyInjection;
using LiftSys.Sessions.EfCore.Diagnostics;
using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.EfCore.Store.Fallback;
using LiftSys.Sessions.EfCore.Tests.Store;
using LiftSys.Sessions.InMemory;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// The whole store contract through <see cref="FallbackSessionStore"/> while PostgreSQL is healthy: every operation,
/// its answers and its refusals (not found, validation, conflicts, isolation) must be PostgreSQL's, passed through the
/// breaker unchanged, and nothing may land in memory. One database for the fixture, emptied before each test.
/// </summary>
public sealed class FallbackSessionStoreContractTests : SessionStoreContractTests
{
    private TestDatabase database = null!;
    private ServiceProvider meters = null!;
    private InMemorySessionStore memory = null!;
    private SessionStorageState state = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        database = await TestDatabase.CreateAsync();
        meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await meters.DisposeAsync();
        await database.DisposeAsync();
    }

    protected override async Task<ISessionStore> CreateStoreAsync(ISessionActorAccessor actors, TimeProvider timeProvider)
    {
        var primary = await ContractStores.CreateEmptyAsync(database, ClaimsScope.Connection, actors, timeProvider);
        var connectionString = database.Server.AppConnectionString(database.Name);
        var contexts = new PooledDbContextFactory<SessionsDbContext>(
            new DbContextOptionsBuilder<SessionsDbContext>().UseNpgsql(connectionString).UseLiftSysSessionsAuthorization(actors).Options);
        memory = new InMemorySessionStore(actors, timeProvider);
        state = new SessionStorageState();
        var recovery = new FallbackRecovery(memory, new FallbackWriteBack(contexts), state, new SessionsMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), state), NullLogger.Instance);
        var breaker = new FallbackCircuitBreaker(
            new FallbackToMemoryOptions(), new PostgresConnectivityProbe(connectionString, TimeSpan.FromSeconds(5)), state, NullLogger.Instance, () => recovery.Schedule(now: true));
        return new FallbackSessionStore(primary, memory, breaker, recovery);
    }

    protected override Task<StoredRowCounts> CountStoredRowsAsync() => ContractStores.CountRowsAsync(database);

    protected override async Task DisposeStoreAsync(ISessionStore store)
    {
        // Every answer came from PostgreSQL: the breaker never opened and memory never held a session.
        Assert.Multiple(() =>
        {
            Assert.That(state.Trips, Is.Zero);
            Assert.That(memory.SessionCount, Is.Zero);
        });
        await base.DisposeStoreAsync(store);
    }
}
