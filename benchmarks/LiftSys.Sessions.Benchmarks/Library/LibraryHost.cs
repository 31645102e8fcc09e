using LiftSys.Sessions.EfCore;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LiftSys.Sessions.Benchmarks.Library;

/// <summary>
/// The library as a host gets it: <c>AddLiftSysSessions</c> with the NOINHERIT app login and default options (claims per
/// connection, retries on), the <see cref="ISessionStore"/> it registers (with its telemetry wrapper), and the pooled
/// context factory the read models are queried through.
/// </summary>
internal sealed class LibraryHost : IAsyncDisposable
{
    private readonly ServiceProvider services;

    public LibraryHost(string appConnectionString)
    {
        var collection = new ServiceCollection();
        collection.AddLiftSysSessions(options => options.ConnectionString = appConnectionString)
            .UseActorAccessor<BenchmarkActorAccessor>();
        services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Store = services.GetRequiredService<ISessionStore>();
        Contexts = services.GetRequiredService<IDbContextFactory<SessionsDbContext>>();
        Actors = (BenchmarkActorAccessor)services.GetRequiredService<ISessionActorAccessor>();
    }

    public ISessionStore Store { get; }

    public IDbContextFactory<SessionsDbContext> Contexts { get; }

    public BenchmarkActorAccessor Actors { get; }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
