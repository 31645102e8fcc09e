namespace LiftSys.Sessions.Cli.Tests;

public class ListCommandTests
{
    [Test]
    public async Task List_unreachable_server_fails_with_one_line_that_hides_the_password()
    {
        // Arrange
        const string password = "list-Secret-42";
        string[] args = ["list", "--connection", $"Host=127.0.0.1;Port=1;Timeout=2;Username=reader;Password={password}"];

        // Act
        var result = await CliRunner.RunAsync(args);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.Failure));
            Assert.That(result.ErrorLines, Has.Count.EqualTo(1));
            Assert.That(result.Output + result.Error, Does.Not.Contain(password));
        });
    }

    [Test]
    public async Task List_no_connection_anywhere_is_a_usage_error()
    {
        // Arrange
        string[] args = ["list"];

        // Act
        var result = await CliRunner.RunAsync(args);

        // Assert
        Assert.That(result.ExitCode, Is.EqualTo(CliApp.Usage));
    }
}
