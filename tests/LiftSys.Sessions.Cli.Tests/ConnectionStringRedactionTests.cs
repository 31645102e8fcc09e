namespace LiftSys.Sessions.Cli.Tests;

public class ConnectionStringRedactionTests
{
    [Test]
    public void MaskPassword_with_password_replaces_only_the_password()
    {
        // Arrange
        const string connectionString = "Host=db.example;Username=app;Password=hunter2";

        // Act
        var masked = ConnectionStringRedaction.MaskPassword(connectionString);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(masked, Does.Not.Contain("hunter2"));
            Assert.That(masked, Does.Contain("Host=db.example").And.Contain("Username=app"));
            Assert.That(masked, Does.Contain($"Password={ConnectionStringRedaction.Mask}"));
        });
    }

    [Test]
    public void MaskPassword_without_password_adds_none()
    {
        // Arrange
        const string connectionString = "Host=db.example;Username=app";

        // Act
        var masked = ConnectionStringRedaction.MaskPassword(connectionString);

        // Assert
        Assert.That(masked, Does.Not.Contain("Password"));
    }

    [Test]
    public void TryGetPassword_malformed_connection_string_returns_null()
    {
        // Arrange
        const string connectionString = "Host=db.example;NoSuchKeyword=1;Password=hunter2";

        // Act
        var password = ConnectionStringRedaction.TryGetPassword(connectionString);

        // Assert
        Assert.That(password, Is.Null);
    }
}
