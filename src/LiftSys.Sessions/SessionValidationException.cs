namespace LiftSys.Sessions;

/// <summary>
/// Thrown when a value would break one of the schema's rules. Nothing has been written when it is thrown: the check
/// runs before any SQL.
/// </summary>
public sealed class SessionValidationException : LiftSysSessionsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="field">The schema column the value is for, for example <c>original_input</c>.</param>
    /// <param name="rule">The rule the value broke.</param>
    /// <param name="message">A sentence that names the field and the rule.</param>
    public SessionValidationException(string field, ValidationRule rule, string message)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        Field = field;
        Rule = rule;
    }

    /// <summary>Gets the schema column the rejected value was for, for example <c>confidence_score</c>.</summary>
    public string Field { get; }

    /// <summary>Gets the rule the value broke.</summary>
    public ValidationRule Rule { get; }
}
