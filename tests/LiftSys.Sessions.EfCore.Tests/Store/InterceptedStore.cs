using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// A store over the app login, acting as a user of its own, whose contexts carry one more command interceptor: how the
/// race tests put another writer exactly between two of the store's statements.
/// </summary>
internal static class InterceptedStore
{
    public static EfCoreSessionStore Create(TestDatabase database, IInterceptor interceptor)
    {
        var actors = new MutableSessionActorAccessor { Current = SessionActor.ForUser(Guid.NewGuid()) };
        var options = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(database.Server.AppConnectionString(database.Name))
            .UseLiftSysSessionsAuthorization(actors)
            .AddInterceptors(interceptor)
            .Options;
        return new EfCoreSessionStore(new PooledDbContextFactory<SessionsDbContext>(options), actors, TimeProvider.System);
    }
}
