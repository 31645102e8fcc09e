using LiftSys.Sessions.EfCore.Store;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// A server with no connection slot free for the application (SQLSTATE 53300, here the database's own connection limit,
/// which superusers are exempt from) answers, so the store reports it as unavailable for a short while, the cause
/// attached, and writes nothing.
/// </summary>
public sealed class ConnectionLimitTests
{
    private static readonly Guid User = Guid.Parse("5a1ce000-0000-4000-8000-00000000533a");

    [Test]
    public async Task Write_no_connection_slot_free_throws_unavailable_with_the_short_busy_hint()
    {
        await using var database = await TestDatabase.CreateAsync();
        await LimitConnectionsAsync(database, 0);
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddLiftSysSessions(o =>
        {
            o.ConnectionString = database.Server.AppConnectionString(database.Name);
            o.MaxRetryCount = 0;
        });
        await using var services = collection.BuildServiceProvider();
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(User), "test");

        var thrown = await Assert.ThrowsAsync<SessionStoreUnavailableException>(
            () => services.GetRequiredService<ISessionStore>().CreateFromPromptAsync("no slot for me"));

        await using var superuser = await database.OpenSuperuserConnectionAsync();
        var stored = await superuser.ScalarAsync<long>("SELECT count(*) FROM sessions");
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.RetryAfter, Is.EqualTo(StoreFailureTranslator.BusyRetryAfter));
            Assert.That(thrown.Message, Does.Contain("53300"));
            Assert.That(thrown.GetBaseException(), Is.InstanceOf<PostgresException>().With.Property(nameof(PostgresException.SqlState)).EqualTo(PostgresErrorCodes.TooManyConnections));
            Assert.That(stored, Is.Zero);
        });
    }

    /// <summary>Sets the database's connection limit for every login but superusers.</summary>
    internal static async Task LimitConnectionsAsync(TestDatabase database, int limit)
    {
        await using var superuser = await database.OpenSuperuserConnectionAsync();
        await superuser.ExecuteAsync($"ALTER DATABASE {Sql.QuoteIdentifier(database.Name)} CONNECTION LIMIT {limit}");
    }
}
