using System.Text.Json;
using LiftSys.Sessions.EfCore.Storage;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.EfCore.Tests.Storage;

public sealed class JsonElementComparersTests
{
    [Test]
    public void Required_document_too_deep_for_the_stack_equals_its_snapshot()
    {
        // Arrange: what change tracking compares after reading a deep row another client wrote.
        var read = Arrays(2_000, "1");
        var snapshot = JsonElementComparers.Required.Snapshot(read);

        // Act
        var equal = SmallStackThread.Run(() => JsonElementComparers.Required.Equals(read, snapshot));

        // Assert
        Assert.That(equal, Is.True);
    }

    [Test]
    public void Optional_documents_too_deep_for_the_stack_that_differ_count_as_changed_instead_of_throwing()
    {
        // Arrange
        JsonElement? before = Arrays(2_000, "1");
        JsonElement? after = Arrays(2_000, "2");

        // Act
        var equal = SmallStackThread.Run(() => JsonElementComparers.Optional.Equals(before, after));

        // Assert
        Assert.That(equal, Is.False);
    }

    [Test]
    public void Required_equal_documents_written_differently_are_equal()
    {
        // Arrange
        var a = Parse("""{"a":1,"b":[1.0,"x"]}""");
        var b = Parse("""{ "b": [1, "x"], "a": 1 }""");

        // Act
        var equal = JsonElementComparers.Required.Equals(a, b);

        // Assert
        Assert.That(equal, Is.True);
    }

    private static JsonElement Arrays(int depth, string inner) =>
        Parse(new string('[', depth) + inner + new string(']', depth));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 100_000 });
        return document.RootElement.Clone();
    }
}
