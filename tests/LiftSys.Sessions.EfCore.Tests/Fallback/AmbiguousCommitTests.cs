using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// A write whose COMMIT reply was lost while PostgreSQL became unreachable may be stored: the fallback must report it as
/// outcome-unknown, never as "unavailable" (which says nothing was written) and never by repeating it in memory.
/// </summary>
public sealed class AmbiguousCommitTests
{
    private static readonly Guid Alice = Guid.Parse("5a1ce000-0000-4000-8000-0000000a4b16");

    [Test]
    public async Task Create_whose_commit_reply_is_lost_in_an_outage_is_outcome_unknown_and_not_repeated_in_memory()
    {
        await using var database = await TestDatabase.CreateAsync();
        var direct = database.Server.AppConnectionString(database.Name);
        await using var proxy = FaultInjectingProxy.Start(direct);
        await using var host = FallbackHost.Start(proxy.ConnectionStringThrough(direct));
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(Alice), "test");
        _ = await host.Store.CreateFromPromptAsync("before the fault");
        var fault = proxy.Arm(ProxyFault.DropAfterCommitThenRefuse);

        var thrown = await Assert.ThrowsAsync<SessionWriteOutcomeUnknownException>(() => host.Store.CreateFromPromptAsync("commit reply lost"));

        var finished = await Task.WhenAny(fault, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.That(finished, Is.SameAs(fault), "the proxy never saw the create's COMMIT");
        proxy.Heal();
        await using var superuser = await database.OpenSuperuserConnectionAsync();
        var stored = await superuser.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = $1", Alice);
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.InnerException, Is.Not.Null);
            Assert.That(host.Memory.SessionCount, Is.Zero, "nothing repeated in memory");
            Assert.That(stored, Is.EqualTo(2), "the first session and the one whose COMMIT went through");
        });
    }
}
