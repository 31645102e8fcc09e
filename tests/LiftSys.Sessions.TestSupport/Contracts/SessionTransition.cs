namespace LiftSys.Sessions.TestSupport.Contracts;

/// <summary>The lifecycle operations of <see cref="ISessionStore"/>, for table-driven transition tests.</summary>
public enum SessionTransition
{
    /// <summary><see cref="ISessionStore.PauseAsync"/>.</summary>
    Pause,

    /// <summary><see cref="ISessionStore.ResumeAsync"/>.</summary>
    Resume,

    /// <summary><see cref="ISessionStore.FinalizeAsync"/>.</summary>
    Finalize,

    /// <summary><see cref="ISessionStore.MarkErrorAsync"/>.</summary>
    MarkError,
}
