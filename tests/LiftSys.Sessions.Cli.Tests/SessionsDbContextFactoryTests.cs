using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.Cli.Tests;

public class SessionsDbContextFactoryTests
{
    [Test]
    public void CreateWithoutDatabase_always_has_no_connection_string()
    {
        // Arrange
        using var context = SessionsDbContextFactory.CreateWithoutDatabase();

        // Act
        var connectionString = context.Database.GetConnectionString();

        // Assert
        Assert.That(connectionString, Is.Null.Or.Empty);
    }

    [Test]
    public void CreateWithoutDatabase_opening_connection_throws_instead_of_reaching_a_default_server()
    {
        // Arrange
        using var context = SessionsDbContextFactory.CreateWithoutDatabase();

        // Act
        void Open() => context.Database.OpenConnection();

        // Assert
        Assert.That(Open, Throws.InvalidOperationException);
    }

    [Test]
    public void Create_with_connection_string_connects_there()
    {
        // Arrange
        const string connectionString = "Host=db.example;Database=liftsys;Username=app";

        // Act
        using var context = SessionsDbContextFactory.Create(connectionString);

        // Assert
        Assert.That(context.Database.GetConnectionString(), Does.Contain("Host=db.example"));
    }
}
