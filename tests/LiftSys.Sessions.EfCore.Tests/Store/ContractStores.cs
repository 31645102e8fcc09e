using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// The PostgreSQL store as the contract fixtures run it: connected as the application's NOINHERIT login, so row-level
/// security is real, with the data source configured as the library configures its own.
/// </summary>
internal static class ContractStores
{
    /// <summary>Empties the database's tables (as their owner) and builds a store over it.</summary>
    public static async Task<ISessionStore> CreateEmptyAsync(
        TestDatabase database, ClaimsScope scope, ISessionActorAccessor actors, TimeProvider timeProvider)
    {
        await using (var owner = await database.OpenOwnerConnectionAsync())
        {
            await owner.ExecuteAsync("TRUNCATE sessions, session_revisions, session_drafts, hole_resolutions");
        }

        var options = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name), npgsql => npgsql.ConfigureDataSource(b => b.ConfigureLiftSysSessions()))
            .UseLiftSysSessionsAuthorization(actors, o => o.ClaimsScope = scope)
            .Options;
        return new EfCoreSessionStore(new PooledDbContextFactory<SessionsDbContext>(options), actors, timeProvider);
    }

    /// <summary>Counts every row of every table, as the owner, whom row-level security does not filter.</summary>
    public static async Task<StoredRowCounts> CountRowsAsync(TestDatabase database)
    {
        await using var owner = await database.OpenOwnerConnectionAsync();
        return new StoredRowCounts(
            (int)await owner.ScalarAsync<long>("SELECT count(*) FROM sessions"),
            (int)await owner.ScalarAsync<long>("SELECT count(*) FROM session_revisions"),
            (int)await owner.ScalarAsync<long>("SELECT count(*) FROM session_drafts"),
            (int)await owner.ScalarAsync<long>("SELECT count(*) FROM hole_resolutions"));
    }
}
