using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.Cli.Tests;

public class SessionsDbContextFactoryTests
{
    [Test]
    public void CreateWithoutDatabase_always_hasNoConnectionString()
    {
        // Arrange
        using var context = SessionsDbContextFactory.CreateWithoutDatabase();

        // Act
        var connectionString = context.Database.GetConnectionString();

        // Assert
        Assert.That(connectionString, Is.Null.Or.Empty);
    }

    [Test]
    public void CreateWithoutDatabase_openingConnection_throwsInsteadOfReachingADefaultServer()
    {
        // Arrange
        using var context = SessionsDbContextFactory.CreateWithoutDatabase();

        // Act
        void Open() => context.Database.OpenConnection();

        // Assert
        Assert.That(Open, Throws.InvalidOperationException);
    }

    [Test]
    public void Create_withConnectionString_connectsThere()
    {
        // Arrange
        const string connectionString = "Host=db.example;Database=liftsys;Username=app";

        // Act
        using var context = SessionsDbContextFactory.Create(connectionString);

        // Assert
        Assert.That(context.Database.GetConnectionString(), Does.Contain("Host=db.example"));
    }
}
