using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.Benchmarks.Library;

/// <summary>The host's actor accessor for the benchmarks: one settable actor for every thread, as a request would set it.</summary>
internal sealed class BenchmarkActorAccessor : ISessionActorAccessor
{
    private volatile SessionActor current = SessionActor.Anonymous;

    public SessionActor Current
    {
        get => current;
        set => current = value ?? throw new ArgumentNullException(nameof(value));
    }
}
