using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace LiftSys.Sessions.EfCore.Storage;

/// <summary>
/// Change-tracking comparers for <c>jsonb</c> columns mapped as <see cref="JsonElement"/>: two documents are equal when
/// they are structurally equal (as <c>jsonb</c> compares them), so assigning an equal document sends no UPDATE.
/// </summary>
internal static class JsonElementComparers
{
    public static readonly ValueComparer<JsonElement> Required = new(
        (a, b) => JsonElement.DeepEquals(a, b),
        e => (int)e.ValueKind,
        e => e.Clone());

    public static readonly ValueComparer<JsonElement?> Optional = new(
        (a, b) => a.HasValue ? b.HasValue && JsonElement.DeepEquals(a.Value, b.Value) : !b.HasValue,
        e => e.HasValue ? (int)e.Value.ValueKind : -1,
        e => e.HasValue ? e.Value.Clone() : null);
}
