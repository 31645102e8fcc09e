namespace LiftSys.Sessions.Cli.Tests;

public class SupabaseMigrationFileNameTests
{
    [TestCase("20251019120001_CreateSessionsTable", "20251019120001_create_sessions_table.sql")]
    [TestCase("20251019120005_CreateRlsPolicies", "20251019120005_create_rls_policies.sql")]
    [TestCase("20251019120006_CreateRLSPolicies2", "20251019120006_create_rls_policies2.sql")]
    [TestCase("20251019120007_Create_Views", "20251019120007_create_views.sql")]
    public void For_ef_migration_id_keeps_the_timestamp_and_snake_cases_the_name(string migrationId, string expected)
    {
        // Arrange: the id above.

        // Act
        var fileName = SupabaseMigrationFileName.For(migrationId);

        // Assert
        Assert.That(fileName, Is.EqualTo(expected));
    }

    [TestCase("CreateSessionsTable")]
    [TestCase("2025101912_CreateSessionsTable")]
    [TestCase("2025101912000X_CreateSessionsTable")]
    [TestCase("20251019120001CreateSessionsTable")]
    [TestCase("20251019120001_")]
    [TestCase("20251019120001_____")]
    public void For_id_without_timestamp_or_name_throws_naming_it(string migrationId)
    {
        // Arrange: the id above.

        // Act
        void Name() => SupabaseMigrationFileName.For(migrationId);

        // Assert
        Assert.That(Name, Throws.ArgumentException.With.Message.Contains(migrationId));
    }
}
