namespace LiftSys.Sessions.Cli.Tests;

public class ConnectionStringRedactionTests
{
    [Test]
    public void MaskPassword_withPassword_replacesOnlyThePassword()
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
    public void MaskPassword_withoutPassword_addsNone()
    {
        // Arrange
        const string connectionString = "Host=db.example;Username=app";

        // Act
        var masked = ConnectionStringRedaction.MaskPassword(connectionString);

        // Assert
        Assert.That(masked, Does.Not.Contain("Password"));
    }

    [Test]
    public void TryGetPassword_malformedConnectionString_returnsNull()
    {
        // Arrange
        const string connectionString = "Host=db.example;NoSuchKeyword=1;Password=hunter2";

        // Act
        var password = ConnectionStringRedaction.TryGetPassword(connectionString);

        // Assert
        Assert.That(password, Is.Null);
    }
}
