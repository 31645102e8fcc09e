namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// The migration history of the database the row-level security matrix runs against: each must give every caller
/// exactly the same outcomes, so migration 009 changed how the child policies are evaluated and nothing else.
/// </summary>
public enum MatrixSchema
{
    /// <summary>All migrations applied to an empty database in one go (as the test template is made).</summary>
    Latest,

    /// <summary>Migrated only through 008: the child tables' correlated <c>EXISTS</c> policies of migration 005.</summary>
    At008,

    /// <summary>Migrated through 008, then (later, as an existing deployment would) to the latest.</summary>
    UpgradedFrom008,

    /// <summary>Migrated to the latest, reverted to 008 (migration 009's Down), and migrated to the latest again.</summary>
    RevertedAndReapplied,
}
