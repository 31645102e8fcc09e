namespace LiftSys.Sessions.Tests.Store;

public sealed class PageRequestTests
{
    [TestCase(-1, 10, "offset", ValidationRule.NonNegative)]
    [TestCase(0, 0, "limit", ValidationRule.Range)]
    [TestCase(0, -3, "limit", ValidationRule.Range)]
    [TestCase(0, PageRequest.MaxLimit + 1, "limit", ValidationRule.Range)]
    public void Constructor_out_of_range_throws_naming_field_and_rule(int offset, int limit, string field, ValidationRule rule)
    {
        // Arrange
        PageRequest Create() => new(offset, limit);

        // Act
        var ex = Assert.Throws<SessionValidationException>(() => Create());

        // Assert
        Assert.That((ex!.Field, ex.Rule), Is.EqualTo((field, rule)));
    }

    [TestCase(0, 1)]
    [TestCase(0, PageRequest.MaxLimit)]
    [TestCase(int.MaxValue, 1)]
    public void Constructor_within_range_keeps_offset_and_limit(int offset, int limit)
    {
        // Arrange
        var expected = (offset, limit);

        // Act
        var page = new PageRequest(offset, limit);

        // Assert
        Assert.That((page.Offset, page.Limit), Is.EqualTo(expected));
    }

    [Test]
    public void First_no_limit_uses_the_default()
    {
        // Arrange
        var expected = new PageRequest(0, PageRequest.DefaultLimit);

        // Act
        var first = PageRequest.First();

        // Assert
        Assert.That(first, Is.EqualTo(expected));
    }

    [Test]
    public void Next_page_with_more_continues_after_it()
    {
        // Arrange
        var page = new Page<int>([1, 2], new PageRequest(4, 2), HasMore: true);

        // Act
        var next = page.Next;

        // Assert
        Assert.That(next, Is.EqualTo(new PageRequest(6, 2)));
    }

    [Test]
    public void Next_last_page_is_null()
    {
        // Arrange
        var page = new Page<int>([1], new PageRequest(4, 2), HasMore: false);

        // Act
        var next = page.Next;

        // Assert
        Assert.That(next, Is.Null);
    }

    [Test]
    public void Next_offset_would_overflow_is_null()
    {
        // Arrange
        var page = new Page<int>([1], new PageRequest(int.MaxValue - 1, 2), HasMore: true);

        // Act
        var next = page.Next;

        // Assert
        Assert.That(next, Is.Null);
    }
}
