using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.EfCore.Tests.Harness;

public sealed class SqlTests
{
    [Test]
    public void QuoteIdentifier_plain_name_wraps_it_in_double_quotes()
    {
        // Act
        var quoted = Sql.QuoteIdentifier("liftsys_owner");

        // Assert
        Assert.That(quoted, Is.EqualTo("\"liftsys_owner\""));
    }

    [Test]
    public void QuoteIdentifier_name_with_double_quote_doubles_it()
    {
        // Act
        var quoted = Sql.QuoteIdentifier("a\"; DROP DATABASE x; --");

        // Assert
        Assert.That(quoted, Is.EqualTo("\"a\"\"; DROP DATABASE x; --\""));
    }

    [Test]
    public void QuoteIdentifier_name_with_nul_throws()
    {
        // Act / Assert
        Assert.That(() => Sql.QuoteIdentifier("a\0b"), Throws.ArgumentException);
    }
}
