namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>What an operation in the row-level security matrix must end in.</summary>
/// <param name="Rows">The rows it sees or changes, when it succeeds.</param>
/// <param name="Error">The error it fails with, when it fails.</param>
public sealed record Outcome(long? Rows, string? Error)
{
    /// <summary>Rejected by a policy's WITH CHECK ("new row violates row-level security policy").</summary>
    public static readonly Outcome RlsViolation = new(null, "row-level security");

    /// <summary>Rejected by privileges ("permission denied for table").</summary>
    public static readonly Outcome PermissionDenied = new(null, "permission denied");

    public static Outcome Affects(long rows) => new(rows, null);

    public override string ToString() => Rows is { } rows ? $"{rows} row(s)" : $"error: {Error}";
}
