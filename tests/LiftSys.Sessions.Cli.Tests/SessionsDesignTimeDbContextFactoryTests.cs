using LiftSys.Sessions.EfCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LiftSys.Sessions.Cli.Tests;

public class SessionsDesignTimeDbContextFactoryTests
{
    private const string FromArguments = "Host=args.example;Database=liftsys;Username=owner";
    private const string FromEnvironment = "Host=env.example;Database=liftsys;Username=owner";

    [Test]
    public void FindConnectionString_connection_argument_wins_over_environment()
    {
        // Arrange
        string[] args = ["--verbose", "--connection", FromArguments];

        // Act
        var connectionString = SessionsDesignTimeDbContextFactory.FindConnectionString(args, _ => FromEnvironment);

        // Assert
        Assert.That(connectionString, Is.EqualTo(FromArguments));
    }

    [Test]
    public void FindConnectionString_no_argument_reads_liftsys_sessions_connection()
    {
        // Arrange
        string? askedFor = null;

        // Act
        var connectionString = SessionsDesignTimeDbContextFactory.FindConnectionString(
            [],
            name =>
            {
                askedFor = name;
                return FromEnvironment;
            });

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(connectionString, Is.EqualTo(FromEnvironment));
            Assert.That(askedFor, Is.EqualTo(CliEnvironment.ConnectionVariable));
        }
    }

    [TestCase(null)]
    [TestCase("  ")]
    public void FindConnectionString_nothing_given_returns_null(string? environmentValue)
    {
        // Arrange
        string[] args = ["--connection"];

        // Act
        var connectionString = SessionsDesignTimeDbContextFactory.FindConnectionString(args, _ => environmentValue);

        // Assert
        Assert.That(connectionString, Is.Null);
    }

    [Test]
    public void CreateDbContext_uses_library_history_table_and_generates_cli_script()
    {
        // Arrange
        var factory = new SessionsDesignTimeDbContextFactory();
        string[] args = ["--connection", FromArguments];
        using var expected = SessionsDbContextFactory.CreateWithoutDatabase();

        // Act
        using var context = factory.CreateDbContext(args);
        var script = context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        // Assert
        using (Assert.EnterMultipleScope())
        {
            Assert.That(factory, Is.InstanceOf<IDesignTimeDbContextFactory<SessionsDbContext>>(), "what dotnet ef looks for");
            Assert.That(context.Database.GetConnectionString(), Does.Contain("Host=args.example"));
            Assert.That(script, Does.Contain($"CREATE TABLE IF NOT EXISTS {SessionsDbContext.MigrationsHistoryTable}"));
            Assert.That(
                script,
                Is.EqualTo(expected.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent)));
        }
    }
}
