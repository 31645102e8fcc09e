namespace LiftSys.Sessions.Cli.Tests;

public class MigrateCommandTests
{
    private const string Password = "pa55-Secret!";

    // Nothing listens on port 1, so the connection is refused at once; nothing here needs a PostgreSQL server.
    private const string UnreachableConnection =
        $"Host=127.0.0.1;Port=1;Timeout=2;Database=liftsys;Username=migrator;Password={Password}";

    [Test]
    public async Task Migrate_unreachable_server_fails_with_one_line_that_hides_the_password()
    {
        // Arrange
        string[] args = ["migrate", "--connection", UnreachableConnection];

        // Act
        var result = await CliRunner.RunAsync(args);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Failure));
            Assert.That(result.ErrorLines, Has.Count.EqualTo(1));
            Assert.That(result.Error, Does.StartWith("error: "));
            Assert.That(result.Error, Does.Not.Contain(Password));
            Assert.That(result.Output, Does.Not.Contain(Password));
            Assert.That(result.Output, Does.Contain("127.0.0.1").And.Contain($"Password={ConnectionStringRedaction.Mask}"));
        });
    }

    [Test]
    public async Task Migrate_verbose_failure_prints_stack_trace_but_not_the_password()
    {
        // Arrange
        string[] args = ["migrate", "--connection", UnreachableConnection, "--verbose"];

        // Act
        var result = await CliRunner.RunAsync(args);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Failure));
            Assert.That(result.ErrorLines, Has.Count.GreaterThan(1));
            Assert.That(result.Error, Does.Contain(" at "));
            Assert.That(result.Error, Does.Not.Contain(Password));
        });
    }

    [Test]
    public async Task Migrate_connection_from_environment_uses_it()
    {
        // Arrange
        var environment = new Dictionary<string, string> { [CliEnvironment.ConnectionVariable] = UnreachableConnection };

        // Act
        var result = await CliRunner.RunAsync(environment, "migrate");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Failure), "a connection failure, not a usage error");
            Assert.That(result.Output, Does.Contain("Host=127.0.0.1;Port=1"));
            Assert.That(result.Output + result.Error, Does.Not.Contain(Password));
        });
    }

    [Test]
    public async Task Migrate_no_connection_anywhere_is_a_usage_error()
    {
        // Arrange
        string[] args = ["migrate"];

        // Act
        var result = await CliRunner.RunAsync(args);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Usage));
            Assert.That(result.Error, Does.Contain(CliEnvironment.ConnectionVariable));
        });
    }

    [Test]
    public async Task Migrate_malformed_connection_string_fails_without_echoing_it()
    {
        // Arrange
        string[] args = ["migrate", "--connection", $"Host=127.0.0.1;Password={Password};NoSuchKeyword=1"];

        // Act
        var result = await CliRunner.RunAsync(args);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Failure));
            Assert.That(result.ErrorLines, Has.Count.EqualTo(1));
            Assert.That(result.Output + result.Error, Does.Not.Contain(Password));
        });
    }
}
