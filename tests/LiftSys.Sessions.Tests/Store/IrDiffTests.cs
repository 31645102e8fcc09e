namespace LiftSys.Sessions.Tests.Store;

public sealed class IrDiffTests
{
    [Test]
    public void ChangedFields_noPrevious_listsEveryTopLevelKeySorted()
    {
        // Arrange
        var next = Json.Parse("""{"signature":{"name":"f"},"effects":[],"assertions":[1]}""");

        // Act
        var changed = IrDiff.ChangedFields(null, next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "assertions", "effects", "signature" }));
    }

    [Test]
    public void ChangedFields_noPreviousAndEmptyObject_isEmpty()
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
    public void ChangedFields_previousNotAnObject_listsEveryTopLevelKey(string previous)
    {
        // Arrange
        var next = Json.Parse("""{"b":1,"a":2}""");

        // Act
        var changed = IrDiff.ChangedFields(Json.Parse(previous), next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void ChangedFields_previousUndefined_listsEveryTopLevelKey()
    {
        // Arrange
        var next = Json.Parse("""{"a":1}""");

        // Act
        var changed = IrDiff.ChangedFields(default(System.Text.Json.JsonElement), next);

        // Assert
        Assert.That(changed, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void ChangedFields_equalDocuments_isEmpty()
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
    public void ChangedFields_keyOrderAndWhitespaceDiffer_isEmpty()
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
    public void ChangedFields_equalNumbersWrittenDifferently_isEmpty()
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
    public void ChangedFields_nestedScalarChanged_reportsTheDeepestPath()
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
    public void ChangedFields_elementInsideArrayChanged_reportsTheArrayAsAWhole()
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
    public void ChangedFields_arrayReordered_reportsTheArray()
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
    public void ChangedFields_keysAddedAndRemoved_reportsBothAtTheirDepth()
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
    public void ChangedFields_objectReplacedByScalar_reportsTheObjectsPath()
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
    public void ChangedFields_scalarReplacedByObject_reportsThePathOnly()
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
    public void ChangedFields_objectReplacedByArray_reportsThePath()
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
    public void ChangedFields_nullValueVersusMissingKey_reportsTheKey()
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
    public void ChangedFields_emptyObjectGainsAKey_reportsTheNewKeysPath()
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
    public void ChangedFields_emptyObjectRemoved_reportsItsPath()
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
    public void ChangedFields_keysContainingDotsAndBackslashes_escapesThem()
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
    public void ChangedFields_dottedKeyVersusNesting_giveDifferentPaths()
    {
        // Arrange
        var flat = IrDiff.ChangedFields(null, Json.Parse("""{"a.b":1}"""));

        // Act
        var nested = IrDiff.ChangedFields(Json.Parse("""{"a":{}}"""), Json.Parse("""{"a":{"b":1}}"""));

        // Assert
        Assert.That(flat.Single(), Is.Not.EqualTo(nested.Single()));
    }

    [Test]
    public void ChangedFields_emptyKey_isWrittenAsEscapeSoNoPathIsEmpty()
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
    public void ChangedFields_repeatedKey_comparesTheLastValueAsJsonbKeepsIt()
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
    public void ChangedFields_manyChanges_areDistinctAndOrdinallySorted()
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
    public void ChangedFields_nextNotAnObject_throwsArgumentException(string next)
    {
        // Arrange
        var element = Json.Parse(next);

        // Act
        void Diff() => IrDiff.ChangedFields(null, element);

        // Assert
        Assert.That(Diff, Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("next"));
    }

    [Test]
    public void ChangedFields_result_isAcceptedAsChangedFieldsOfARevision()
    {
        // Arrange
        var changed = IrDiff.ChangedFields(Json.Parse("""{"":{"a.b":1}}"""), Json.Parse("""{"":{"a.b":2},"x":1}"""));

        // Act
        var revision = SessionRevision.Create(Guid.NewGuid(), 2, RevisionSource.Refinement, Json.Parse("{}"), changedFields: changed);

        // Assert
        Assert.That(revision.ChangedFields, Is.EqualTo(changed));
    }
}
