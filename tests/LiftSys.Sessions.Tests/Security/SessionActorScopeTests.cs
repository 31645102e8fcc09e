using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.Tests.Security;

public sealed class SessionActorScopeTests
{
    [Test]
    public void Accessor_outside_any_scope_is_anonymous()
    {
        Assert.That(AmbientSessionActorAccessor.Instance.Current, Is.SameAs(SessionActor.Anonymous));
    }

    [Test]
    public void Nested_scopes_restore_the_enclosing_actor_on_dispose()
    {
        var user = SessionActor.ForUser(Guid.NewGuid());
        SessionActor? inner;
        SessionActor? afterInner;

        using (SessionActorScope.Begin(user, "outer"))
        {
            using (SessionActorScope.BeginServiceRole("inner"))
            {
                inner = SessionActorScope.CurrentActor;
            }

            afterInner = SessionActorScope.CurrentActor;
        }

        Assert.That((inner, afterInner, SessionActorScope.CurrentActor), Is.EqualTo((SessionActor.ServiceRole, user, (SessionActor?)null)));
    }

    [Test]
    public void Dispose_out_of_order_does_not_resurrect_a_closed_scope()
    {
        var outer = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "outer");
        var inner = SessionActorScope.BeginServiceRole("inner");

        outer.Dispose();
        var afterOuter = SessionActorScope.CurrentActor;
        inner.Dispose();

        Assert.That(afterOuter, Is.SameAs(SessionActor.ServiceRole), "the innermost scope stays until it is disposed");
        Assert.That(SessionActorScope.CurrentActor, Is.Not.SameAs(SessionActor.ServiceRole));
    }

    [Test]
    public async Task Scope_flows_into_awaited_work_but_not_into_a_sibling_flow()
    {
        var alice = SessionActor.ForUser(Guid.NewGuid());
        var bob = SessionActor.ForUser(Guid.NewGuid());
        var gate = new TaskCompletionSource();

        async Task<SessionActor?> RunAs(SessionActor actor)
        {
            using var scope = SessionActorScope.Begin(actor, "flow");
            await gate.Task;
            return SessionActorScope.CurrentActor;
        }

        var first = RunAs(alice);
        var second = RunAs(bob);
        gate.SetResult();

        Assert.That(await Task.WhenAll(first, second), Is.EqualTo(new[] { alice, bob }));
    }

    [TestCase("")]
    [TestCase("  ")]
    public void BeginServiceRole_without_a_reason_throws(string reason)
    {
        Assert.Throws<ArgumentException>(() => SessionActorScope.BeginServiceRole(reason));
    }
}
