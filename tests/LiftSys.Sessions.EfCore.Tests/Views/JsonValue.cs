using System.Text.Json;

namespace LiftSys.Sessions.EfCore.Tests.Views;

/// <summary>
/// A JSON value that equals another when they are structurally equal (<see cref="JsonElement.DeepEquals"/>: key order
/// and number spelling aside, as <c>jsonb</c> compares), so rows holding one can be compared as records.
/// </summary>
internal sealed class JsonValue(JsonElement value) : IEquatable<JsonValue>
{
    public JsonElement Value { get; } = value.Clone();

    public bool Equals(JsonValue? other) => other is not null && JsonElement.DeepEquals(Value, other.Value);

    public override bool Equals(object? obj) => Equals(obj as JsonValue);

    // Structurally equal documents may be spelled differently, so only the kind can take part in the hash.
    public override int GetHashCode() => (int)Value.ValueKind;

    public override string ToString() => Value.GetRawText();
}
