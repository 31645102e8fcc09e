namespace LiftSys.Sessions;

/// <summary>Which JSON column <see cref="ISessionStore.SearchAsync"/> matches against.</summary>
public enum SessionSearchTarget
{
    /// <summary>The session's current IR (<c>current_ir</c>, served by <c>idx_sessions_current_ir</c>).</summary>
    CurrentIr = 0,

    /// <summary>The session's metadata (<c>metadata</c>, served by <c>idx_sessions_metadata</c>).</summary>
    Metadata,
}
