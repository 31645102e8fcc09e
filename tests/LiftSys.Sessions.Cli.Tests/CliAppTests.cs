namespace LiftSys.Sessions.Cli.Tests;

public class CliAppTests
{
    [TestCase]
    [TestCase("frobnicate")]
    [TestCase("script", "--no-such-option")]
    public async Task RunAsync_bad_usage_exits_with_usage_code(params string[] args)
    {
        // Arrange: the arguments above.

        // Act
        var result = await CliRunner.RunAsync(args);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Usage));
            Assert.That(result.Error, Is.Not.Empty);
        });
    }

    [Test]
    public async Task RunAsync_help_lists_the_commands()
    {
        // Arrange
        string[] args = ["--help"];

        // Act
        var result = await CliRunner.RunAsync(args);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Success));
            Assert.That(result.Output, Does.Contain("liftsys-sessions"));
            Assert.That(result.Output, Does.Contain("script").And.Contain("migrate").And.Contain("list"));
        });
    }
}
