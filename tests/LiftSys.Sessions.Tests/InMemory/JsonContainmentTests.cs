using LiftSys.Sessions.InMemory;

namespace LiftSys.Sessions.Tests.InMemory;

/// <summary>Cases from PostgreSQL's documentation of <c>jsonb @&gt;</c> (section 8.14.3) and its edge cases.</summary>
public sealed class JsonContainmentTests
{
    [TestCase("\"foo\"", "\"foo\"", true)]
    [TestCase("[1, 2, 3]", "[1, 3]", true)]
    [TestCase("[1, 2, 3]", "[3, 1]", true)]
    [TestCase("[1, 2, 3]", "[1, 2, 2]", true)]
    [TestCase("""{"product": "PostgreSQL", "version": 9.4, "jsonb": true}""", """{"version": 9.4}""", true)]
    [TestCase("[1, 2, [1, 3]]", "[1, 3]", false)]
    [TestCase("[1, 2, [1, 3]]", "[[1, 3]]", true)]
    [TestCase("""{"foo": {"bar": "baz"}}""", """{"bar": "baz"}""", false)]
    [TestCase("""{"foo": {"bar": "baz"}}""", """{"foo": {}}""", true)]
    [TestCase("""["foo", "bar"]""", "\"foo\"", true)]
    [TestCase("\"foo\"", """["foo"]""", false)]
    [TestCase("""{"a": ["foo"]}""", """{"a": "foo"}""", false)]
    [TestCase("""{"a": 1}""", """{"a": 1.0}""", true)]
    [TestCase("""{"a": "x"}""", """{"a": "\u0078"}""", true)]
    [TestCase("""{"a": [1, {"b": 2, "c": 3}]}""", """{"a": [{"c": 3}]}""", true)]
    [TestCase("""{"a": [1, {"b": 2}]}""", """{"a": [[1]]}""", false)]
    [TestCase("""{"a": null}""", """{"a": null}""", true)]
    [TestCase("""{"a": null}""", """{"b": null}""", false)]
    [TestCase("""{"a": 1}""", "{}", true)]
    [TestCase("[]", "[]", true)]
    [TestCase("[1]", "[]", true)]
    [TestCase("[]", "[1]", false)]
    [TestCase("{}", "[]", false)]
    [TestCase("[]", "{}", false)]
    [TestCase("true", "true", true)]
    [TestCase("true", "false", false)]
    [TestCase("1", "\"1\"", false)]
    [TestCase("""{"a": 1, "a": 2}""", """{"a": 2}""", true)]
    [TestCase("""{"a": 1, "a": 2}""", """{"a": 1}""", false)]
    public void Contains_postgresql_cases_match_jsonb(string container, string contained, bool expected)
    {
        // Arrange
        var left = Json.Parse(container);
        var right = Json.Parse(contained);

        // Act
        var contains = JsonContainment.Contains(left, right);

        // Assert
        Assert.That(contains, Is.EqualTo(expected));
    }
}
