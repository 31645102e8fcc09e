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
    public void Accessor_inside_a_scope_is_the_scopes_actor()
    {
        // Arrange
        var user = SessionActor.ForUser(Guid.NewGuid());
        SessionActor current;

        // Act
        using (SessionActorScope.Begin(user, "accessor test"))
        {
            current = AmbientSessionActorAccessor.Instance.Current;
        }

        // Assert
        Assert.That(current, Is.SameAs(user));
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
    public async Task Dispose_out_of_order_does_not_resurrect_a_closed_scope()
    {
        // In a flow of its own (Task.Run), so what the test leaves behind cannot reach another test on this thread.
        var (afterOuter, afterBoth) = await Task.Run(() =>
        {
            var outer = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "outer");
            var inner = SessionActorScope.BeginServiceRole("inner");

            outer.Dispose();
            var whileInnerLives = SessionActorScope.CurrentActor;
            inner.Dispose();
            return (whileInnerLives, SessionActorScope.CurrentActor);
        });

        Assert.That(afterOuter, Is.SameAs(SessionActor.ServiceRole), "the innermost scope stays until it is disposed");
        Assert.That(afterBoth, Is.Null, "both scopes are over: the host's accessor decides again, not the disposed outer scope");
    }

    [Test]
    public async Task Service_scope_disposed_before_the_user_scope_inside_it_never_acts_again()
    {
        var user = SessionActor.ForUser(Guid.NewGuid());

        var (afterOuter, afterInner, accessor) = await Task.Run(() =>
        {
            var outer = SessionActorScope.BeginServiceRole("outer");
            var inner = SessionActorScope.Begin(user, "inner");

            outer.Dispose();
            var whileInnerLives = SessionActorScope.CurrentActor;
            inner.Dispose();
            return (whileInnerLives, SessionActorScope.CurrentActor, AmbientSessionActorAccessor.Instance.Current);
        });

        Assert.That((afterOuter, afterInner, accessor), Is.EqualTo((user, (SessionActor?)null, SessionActor.Anonymous)));
    }

    [Test]
    public async Task Middle_scope_disposed_out_of_order_falls_back_to_the_nearest_live_scope()
    {
        var alice = SessionActor.ForUser(Guid.NewGuid());

        var (afterMiddle, afterInner, afterOuter) = await Task.Run(() =>
        {
            var outer = SessionActorScope.Begin(alice, "outer");
            var middle = SessionActorScope.BeginServiceRole("middle");
            var inner = SessionActorScope.Begin(SessionActor.ForUser(Guid.NewGuid()), "inner");

            middle.Dispose();
            inner.Dispose();
            var whileOuterLives = SessionActorScope.CurrentActor;
            outer.Dispose();
            return (middle.IsDisposed, whileOuterLives, SessionActorScope.CurrentActor);
        });

        Assert.That((afterMiddle, afterInner, afterOuter), Is.EqualTo((true, alice, (SessionActor?)null)));
    }

    [Test]
    public async Task Work_started_in_a_service_scope_and_run_after_its_disposal_is_anonymous()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<SessionActor?> outlived;
        using (SessionActorScope.BeginServiceRole("test: starts work that outlives the scope"))
        {
            outlived = Task.Run(async () =>
            {
                await gate.Task;
                return SessionActorScope.CurrentActor;
            });
        }

        gate.SetResult();

        Assert.That(await outlived, Is.SameAs(SessionActor.Anonymous));
    }

    [Test]
    public async Task Fire_and_forget_continuation_of_a_disposed_scope_stays_anonymous_after_a_scope_of_its_own()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bob = SessionActor.ForUser(Guid.NewGuid());
        Task<(SessionActor? Inside, SessionActor? After)> outlived;
        using (SessionActorScope.BeginServiceRole("test: fire and forget"))
        {
            outlived = ContinueLaterAsync();
        }

        gate.SetResult();

        Assert.That(await outlived, Is.EqualTo(((SessionActor?)bob, (SessionActor?)SessionActor.Anonymous)));

        async Task<(SessionActor? Inside, SessionActor? After)> ContinueLaterAsync()
        {
            await gate.Task;
            SessionActor? inside;
            using (SessionActorScope.Begin(bob, "test: the continuation acts for bob for a while"))
            {
                inside = SessionActorScope.CurrentActor;
            }

            return (inside, SessionActorScope.CurrentActor);
        }
    }

    [Test]
    public async Task Work_started_in_an_inner_scope_falls_back_to_the_live_outer_scope_after_the_inner_one_ends()
    {
        var alice = SessionActor.ForUser(Guid.NewGuid());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<SessionActor?> outlived;
        using var outer = SessionActorScope.Begin(alice, "test: outer");
        using (SessionActorScope.BeginServiceRole("test: inner"))
        {
            outlived = Task.Run(async () =>
            {
                await gate.Task;
                return SessionActorScope.CurrentActor;
            });
        }

        gate.SetResult();

        Assert.That(await outlived, Is.SameAs(alice));
    }

    [Test]
    public async Task Dispose_from_another_flow_ends_the_scope_in_the_flow_that_began_it()
    {
        var disposedElsewhere = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SessionActorScope? scope = null;
        var began = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task<(SessionActor? AfterForeignDispose, SessionActor? AfterOwnDispose)> OwnerAsync()
        {
            scope = SessionActorScope.BeginServiceRole("test: disposed by another flow");
            began.SetResult();
            await disposedElsewhere.Task;
            var afterForeign = SessionActorScope.CurrentActor;
            scope.Dispose();
            return (afterForeign, SessionActorScope.CurrentActor);
        }

        var owner = Task.Run(OwnerAsync);
        await began.Task;
        await Task.Run(() => scope!.Dispose());
        disposedElsewhere.SetResult();

        Assert.That(await owner, Is.EqualTo(((SessionActor?)SessionActor.Anonymous, (SessionActor?)null)));
    }

    [Test]
    public async Task Dispose_from_another_flow_makes_the_owner_fall_back_to_its_live_enclosing_scope()
    {
        var alice = SessionActor.ForUser(Guid.NewGuid());
        var disposedElsewhere = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var began = new TaskCompletionSource<SessionActorScope>(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task<SessionActor?> OwnerAsync()
        {
            using var outer = SessionActorScope.Begin(alice, "test: outer");
            using var inner = SessionActorScope.BeginServiceRole("test: disposed by another flow");
            began.SetResult(inner);
            await disposedElsewhere.Task;
            return SessionActorScope.CurrentActor;
        }

        var owner = Task.Run(OwnerAsync);
        (await began.Task).Dispose();
        disposedElsewhere.SetResult();

        Assert.That(await owner, Is.SameAs(alice));
    }

    [Test]
    public async Task Dispose_from_many_threads_at_once_ends_the_scope_for_every_flow_holding_it()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scope = SessionActorScope.BeginServiceRole("test: disposed concurrently");
        var holders = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            return SessionActorScope.CurrentActor;
        })).ToArray();
        scope.Dispose();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(scope.Dispose)));
        gate.SetResult();

        Assert.That(await Task.WhenAll(holders), Is.All.SameAs(SessionActor.Anonymous));
        Assert.That(SessionActorScope.CurrentActor, Is.Null);
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
