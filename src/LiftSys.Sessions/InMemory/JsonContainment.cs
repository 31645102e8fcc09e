using System.Text.Json;

namespace LiftSys.Sessions.InMemory;

/// <summary>PostgreSQL's <c>jsonb @&gt;</c> (contains) operator, for stores that cannot ask PostgreSQL.</summary>
/// <remarks>
/// As in PostgreSQL: an object contains another when every key of the other is present with a contained value; an
/// array contains another when every element of the other is contained in some element of it (order and duplicates
/// do not matter; a scalar element matches an equal scalar, an object or array element a container of the same kind);
/// scalars are contained when equal (numbers by value). As a special case, a top-level array contains a scalar that
/// is one of its elements. A repeated object key counts its last value, as <c>jsonb</c> keeps it.
/// </remarks>
internal static class JsonContainment
{
    public static bool Contains(JsonElement container, JsonElement contained) => Contains(container, contained, topLevel: true);

    private static bool Contains(JsonElement container, JsonElement contained, bool topLevel)
    {
        switch (container.ValueKind, contained.ValueKind)
        {
            case (JsonValueKind.Object, JsonValueKind.Object):
                var properties = LastValues(container);
                return LastValues(contained).All(p => properties.TryGetValue(p.Key, out var value) && Contains(value, p.Value, topLevel: false));

            case (JsonValueKind.Array, JsonValueKind.Array):
                var elements = container.EnumerateArray().ToList();
                return contained.EnumerateArray().All(wanted => elements.Exists(element => ElementMatches(element, wanted)));

            case (JsonValueKind.Array, _) when topLevel && !IsContainer(contained):
                return container.EnumerateArray().Any(element => !IsContainer(element) && JsonElement.DeepEquals(element, contained));

            default:
                return !IsContainer(container) && !IsContainer(contained) && JsonElement.DeepEquals(container, contained);
        }
    }

    private static bool ElementMatches(JsonElement element, JsonElement wanted) =>
        IsContainer(wanted)
            ? element.ValueKind == wanted.ValueKind && Contains(element, wanted, topLevel: false)
            : !IsContainer(element) && JsonElement.DeepEquals(element, wanted);

    private static bool IsContainer(JsonElement element) => element.ValueKind is JsonValueKind.Object or JsonValueKind.Array;

    private static Dictionary<string, JsonElement> LastValues(JsonElement element)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            properties[property.Name] = property.Value;
        }

        return properties;
    }
}
