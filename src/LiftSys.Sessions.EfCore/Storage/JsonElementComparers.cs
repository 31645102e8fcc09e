using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace LiftSys.Sessions.EfCore.Storage;

/// <summary>
/// Change-tracking comparers for <c>jsonb</c> columns mapped as <see cref="JsonElement"/>: two documents are equal when
/// they are structurally equal (as <c>jsonb</c> compares them), so assigning an equal document sends no UPDATE.
/// </summary>
/// <remarks>
/// Fail-safe on documents deeper than the thread's stack can compare (a row another client stored thousands of levels
/// deep): identical text is equal without descending, and a structural comparison that runs out of stack counts as a
/// change, so the unchanged document is written back as it was instead of the save failing.
/// </remarks>
internal static class JsonElementComparers
{
    public static readonly ValueComparer<JsonElement> Required = new(
        (a, b) => AreEqual(a, b),
        e => (int)e.ValueKind,
        e => e.Clone());

    public static readonly ValueComparer<JsonElement?> Optional = new(
        (a, b) => a.HasValue ? b.HasValue && AreEqual(a.Value, b.Value) : !b.HasValue,
        e => e.HasValue ? (int)e.Value.ValueKind : -1,
        e => e.HasValue ? e.Value.Clone() : null);

    internal static bool AreEqual(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Undefined || b.ValueKind == JsonValueKind.Undefined)
        {
            return a.ValueKind == b.ValueKind;
        }

        // A tracked value and its snapshot (a clone) have the same text: no need to walk them.
        if (JsonMarshal.GetRawUtf8Value(a).SequenceEqual(JsonMarshal.GetRawUtf8Value(b)))
        {
            return true;
        }

        try
        {
            return JsonElement.DeepEquals(a, b);
        }
        catch (InsufficientExecutionStackException)
        {
            return false;
        }
    }
}
