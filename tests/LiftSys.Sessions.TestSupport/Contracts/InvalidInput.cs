namespace LiftSys.Sessions.TestSupport.Contracts;

/// <summary>A call with one bad argument, and the field and rule the store must name when it refuses it.</summary>
/// <param name="Name">What is wrong, shown as the test case's argument.</param>
/// <param name="Run">Makes the call for an existing session (some calls, such as creates, ignore it).</param>
/// <param name="Field">The field <see cref="SessionValidationException.Field"/> must name.</param>
/// <param name="Rule">The rule <see cref="SessionValidationException.Rule"/> must name.</param>
public sealed record InvalidInput(string Name, Func<ISessionStore, Guid, Task> Run, string Field, ValidationRule Rule)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
