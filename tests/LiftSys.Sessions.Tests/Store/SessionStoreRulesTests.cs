using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.Tests.Store;

public sealed class SessionStoreRulesTests
{
    [Test]
    public void CurrentActor_accessor_answering_null_is_anonymous()
    {
        // Arrange: a host's accessor written without nullable annotations may answer null; that must fail closed.
        var actors = new NullAnsweringAccessor();

        // Act
        var actor = SessionStoreRules.CurrentActor(actors);

        // Assert
        Assert.That(actor, Is.SameAs(SessionActor.Anonymous));
    }

    [Test]
    public void CurrentActor_active_scope_takes_precedence_over_the_accessor()
    {
        // Arrange
        var scoped = SessionActor.ForUser(Guid.NewGuid());
        var actors = new NullAnsweringAccessor();
        SessionActor actor;

        // Act
        using (SessionActorScope.Begin(scoped, "rules test"))
        {
            actor = SessionStoreRules.CurrentActor(actors);
        }

        // Assert
        Assert.That(actor, Is.SameAs(scoped));
    }

    private sealed class NullAnsweringAccessor : ISessionActorAccessor
    {
        public SessionActor Current => null!;
    }
}
