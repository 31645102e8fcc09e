using LiftSys.Sessions.EfCore.Tests.Store;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// A server that refuses the application every connection slot (SQLSTATE 53300) still answers: the fallback reports
/// each operation as unavailable and never trips, so no session is created in memory while PostgreSQL is up.
/// </summary>
public sealed class NoConnectionSlotTests
{
    private static readonly Guid Alice = Guid.Parse("5a1ce000-0000-4000-8000-0000000533a0");

    [Test]
    public async Task Create_without_a_connection_slot_fails_but_never_trips_and_succeeds_once_a_slot_is_free()
    {
        await using var database = await TestDatabase.CreateAsync();
        await ConnectionLimitTests.LimitConnectionsAsync(database, 0);
        await using var host = FallbackHost.Start(database.Server.AppConnectionString(database.Name));
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");

        var outcomes = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            outcomes.Add(await FallbackOutage.OutcomeAsync(() => host.Store.CreateFromPromptAsync("no slot yet")));
        }

        await ConnectionLimitTests.LimitConnectionsAsync(database, -1);
        var created = await host.Store.CreateFromPromptAsync("a slot is free");

        await using var superuser = await database.OpenSuperuserConnectionAsync();
        var stored = await superuser.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = $1", Alice);
        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Is.All.EqualTo(nameof(SessionStoreUnavailableException) + ", retry after: within the break"));
            Assert.That(host.State.Trips, Is.Zero);
            Assert.That(host.Memory.SessionCount, Is.Zero);
            Assert.That(host.Memory.Holds(created.Id), Is.False);
            Assert.That(stored, Is.EqualTo(1), "only the session created once a slot was free");
        });
    }
}
