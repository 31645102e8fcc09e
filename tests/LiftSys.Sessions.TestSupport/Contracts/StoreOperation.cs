namespace LiftSys.Sessions.TestSupport.Contracts;

/// <summary>A store operation on an existing session, named for test output.</summary>
/// <param name="Name">The operation's name, shown as the test case's argument.</param>
/// <param name="Run">Runs the operation on the session through the store.</param>
public sealed record StoreOperation(string Name, Func<ISessionStore, Session, Task> Run)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
