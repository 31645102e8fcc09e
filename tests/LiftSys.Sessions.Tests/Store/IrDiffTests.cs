using System.Text.Json;
using LiftSys.Sessions.TestSupport;

namespace LiftSys.Sessions.Tests.Store;

public sealed class IrDiffTests
{
    [Test]
    public void ChangedFields_no_previous_lists_every_top_level_key_sorted()
    {
        // Arrange
        var next = Json.Parse("""{"signature":{"name":"f"},"effects":[],"assertions":[1]}""");

        // Act
        var changed = IrDiff.ChangedFields(null, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "assertions", "effects", "signature" }));
    }

    [Test]
    public void ChangedFields_no_previous_and_empty_object_is_empty()
    {
        // Arrange
        var next = Json.Parse("{}");

        // Act
        var changed = IrDiff.ChangedFields(null, next);

        // Assert
        Assert.That(changed, Is.Empty);
    }

    [TestCase("[1]")]
    [TestCase("\"ir\"")]
    [TestCase("null")]
    public void ChangedFields_previous_not_an_object_lists_every_top_level_key(string previous)
    {
        // Arrange
        var next = Json.Parse("""{"b":1,"a":2}""");

        // Act
        var changed = IrDiff.ChangedFields(Json.Parse(previous), next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void ChangedFields_previous_undefined_lists_every_top_level_key()
    {
        // Arrange
        var next = Json.Parse("""{"a":1}""");

        // Act
        var changed = IrDiff.ChangedFields(default(System.Text.Json.JsonElement), next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void ChangedFields_equal_documents_is_empty()
    {
        // Arrange
        var previous = Json.Parse("""{"signature":{"name":"f","parameters":[{"name":"a"}]},"n":1}""");
        var next = Json.Parse("""{"signature":{"name":"f","parameters":[{"name":"a"}]},"n":1}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.Empty);
    }

    [Test]
    public void ChangedFields_key_order_and_whitespace_differ_is_empty()
    {
        // Arrange
        var previous = Json.Parse("""{"a":{"x":1,"y":[{"p":1,"q":2}]},"b":true}""");
        var next = Json.Parse("""{ "b" : true, "a" : { "y" : [ { "q" : 2, "p" : 1 } ], "x" : 1 } }""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.Empty);
    }

    [Test]
    public void ChangedFields_equal_numbers_written_differently_is_empty()
    {
        // Arrange
        var previous = Json.Parse("""{"n":1,"s":"A"}""");
        var next = Json.Parse("""{"n":1.0,"s":"\u0041"}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.Empty);
    }

    [Test]
    public void ChangedFields_nested_scalar_changed_reports_the_deepest_path()
    {
        // Arrange
        var previous = Json.Parse("""{"signature":{"name":"f","returns":{"type":"int"}}}""");
        var next = Json.Parse("""{"signature":{"name":"f","returns":{"type":"str"}}}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "signature.returns.type" }));
    }

    [Test]
    public void ChangedFields_element_inside_array_changed_reports_the_array_as_a_whole()
    {
        // Arrange
        var previous = Json.Parse("""{"signature":{"parameters":[{"name":"a","type":"int"}]}}""");
        var next = Json.Parse("""{"signature":{"parameters":[{"name":"a","type":"str"}]}}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "signature.parameters" }));
    }

    [Test]
    public void ChangedFields_array_reordered_reports_the_array()
    {
        // Arrange
        var previous = Json.Parse("""{"effects":["a","b"]}""");
        var next = Json.Parse("""{"effects":["b","a"]}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "effects" }));
    }

    [Test]
    public void ChangedFields_keys_added_and_removed_reports_both_at_their_depth()
    {
        // Arrange
        var previous = Json.Parse("""{"gone":1,"signature":{"name":"f","old":true}}""");
        var next = Json.Parse("""{"signature":{"name":"f","new":{"deep":{"er":1}}},"added":[]}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "added", "gone", "signature.new", "signature.old" }));
    }

    [Test]
    public void ChangedFields_object_replaced_by_scalar_reports_the_objects_path()
    {
        // Arrange
        var previous = Json.Parse("""{"signature":{"returns":{"type":"int"}}}""");
        var next = Json.Parse("""{"signature":{"returns":"int"}}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "signature.returns" }));
    }

    [Test]
    public void ChangedFields_scalar_replaced_by_object_reports_the_path_only()
    {
        // Arrange
        var previous = Json.Parse("""{"returns":"int"}""");
        var next = Json.Parse("""{"returns":{"type":"int","nullable":false}}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "returns" }));
    }

    [Test]
    public void ChangedFields_object_replaced_by_array_reports_the_path()
    {
        // Arrange
        var previous = Json.Parse("""{"x":{}}""");
        var next = Json.Parse("""{"x":[]}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public void ChangedFields_null_value_versus_missing_key_reports_the_key()
    {
        // Arrange
        var previous = Json.Parse("""{"a":null}""");
        var next = Json.Parse("{}");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void ChangedFields_empty_object_gains_a_key_reports_the_new_keys_path()
    {
        // Arrange
        var previous = Json.Parse("""{"a":{}}""");
        var next = Json.Parse("""{"a":{"b":1}}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "a.b" }));
    }

    [Test]
    public void ChangedFields_empty_object_removed_reports_its_path()
    {
        // Arrange
        var previous = Json.Parse("""{"a":{},"b":1}""");
        var next = Json.Parse("""{"b":1}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void ChangedFields_keys_containing_dots_and_backslashes_escapes_them()
    {
        // Arrange
        var previous = Json.Parse("""{"a.b":1,"c":{"d.e":1},"back\\slash":1}""");
        var next = Json.Parse("""{"a.b":2,"c":{"d.e":2},"back\\slash":2}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { @"a\.b", @"back\\slash", @"c.d\.e" }));
    }

    [Test]
    public void ChangedFields_dotted_key_versus_nesting_give_different_paths()
    {
        // Arrange
        var flat = IrDiff.ChangedFields(null, Json.Parse("""{"a.b":1}"""));

        // Act
        var nested = IrDiff.ChangedFields(Json.Parse("""{"a":{}}"""), Json.Parse("""{"a":{"b":1}}"""));

        // Assert
        Assert.That(flat.Single(), Is.Not.EqualTo(nested.Single()));
    }

    [Test]
    public void ChangedFields_empty_key_is_written_as_escape_so_no_path_is_empty()
    {
        // Arrange
        var previous = Json.Parse("""{"":1,"a":{"":1}}""");
        var next = Json.Parse("""{"":2,"a":{"":2}}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { @"\e", @"a.\e" }));
    }

    [Test]
    public void ChangedFields_repeated_key_compares_the_last_value_as_jsonb_keeps_it()
    {
        // Arrange
        var previous = Json.Parse("""{"a":1}""");
        var next = Json.Parse("""{"a":2,"a":1}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.That(changed, Is.Empty);
    }

    [Test]
    public void ChangedFields_many_changes_are_distinct_and_ordinally_sorted()
    {
        // Arrange
        var previous = Json.Parse("""{"B":1,"a":1,"c":{"z":1,"y":1}}""");
        var next = Json.Parse("""{"B":2,"a":2,"c":{"z":2,"y":2},"A":0}""");

        // Act
        var changed = IrDiff.ChangedFields(previous, next);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.EqualTo(new[] { "A", "B", "a", "c.y", "c.z" }));
            Assert.That(changed, Is.Unique);
        });
    }

    [TestCase("[]")]
    [TestCase("1")]
    [TestCase("null")]
    public void ChangedFields_next_not_an_object_throws_argument_exception(string next)
    {
        // Arrange
        var element = Json.Parse(next);

        // Act
        void Diff() => IrDiff.ChangedFields(null, element);

        // Assert
        Assert.That(Diff, Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("next"));
    }

    [Test]
    public void ChangedFields_result_is_accepted_as_changed_fields_of_a_revision()
    {
        // Arrange
        var changed = IrDiff.ChangedFields(Json.Parse("""{"":{"a.b":1}}"""), Json.Parse("""{"":{"a.b":2},"x":1}"""));

        // Act
        var revision = SessionRevision.Create(Guid.NewGuid(), 2, RevisionSource.Refinement, Json.Parse("{}"), changedFields: changed);

        // Assert
        Assert.That(revision.ChangedFields, Is.EqualTo(changed));
    }

    [Test]
    public void ChangedFields_objects_too_deep_for_the_stack_report_a_path_above_the_change_instead_of_throwing()
    {
        // Arrange: 2,000 levels, far more than a 256 KiB stack can recurse through.
        var previous = Deep(2_000, "{\"a\":", "1", "}");
        var next = Deep(2_000, "{\"a\":", "2", "}");

        // Act
        var changed = SmallStackThread.Run(() => IrDiff.ChangedFields(previous, next));

        // Assert
        Assert.That(changed, Has.Count.EqualTo(1).And.All.Match(@"^a(\.a)*$"));
    }

    [Test]
    public void ChangedFields_arrays_too_deep_for_the_stack_report_the_key_that_holds_them()
    {
        // Arrange
        var previous = Deep(1, "{\"a\":", Deep(2_000, "[", "1", "]").GetRawText(), "}");
        var next = Deep(1, "{\"a\":", Deep(2_000, "[", "2", "]").GetRawText(), "}");

        // Act
        var changed = SmallStackThread.Run(() => IrDiff.ChangedFields(previous, next));

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "a" }));
    }

    private static JsonElement Deep(int depth, string open, string inner, string close)
    {
        var json = string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 100_000 });
        return document.RootElement.Clone();
    }
}
