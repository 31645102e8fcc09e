using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// Computes a revision's <c>changed_fields</c>: the dotted paths of the IR that differ from the previous revision's IR.
/// </summary>
/// <remarks>
/// <para>
/// Objects are compared key by key and recursed into, so a change deep inside reports only the deepest object key
/// above it (<c>signature.parameters</c>, not <c>signature</c>). Arrays and scalars are compared as wholes with
/// <see cref="JsonElement.DeepEquals"/> (numbers by value, strings after unescaping, object key order ignored), so a
/// change inside an array reports the key that holds the array. A key added or removed counts as changed, and so does
/// a value whose kind changes (an object replaced by a scalar reports its own path).
/// </para>
/// <para>
/// Each key is one path segment. A segment escapes a backslash as <c>\\</c> and a dot as <c>\.</c>, so a key that
/// contains a dot (<c>{"a.b": 1}</c> gives <c>a\.b</c>) cannot be mistaken for nesting; the empty key is written
/// <c>\e</c> so that no path is empty. An object with the same key twice counts its last value, as <c>jsonb</c> does.
/// </para>
/// <para>
/// Fail-safe on deep documents: the comparison descends only as deep as the shallower of the two values at each path,
/// and where the thread's stack would not hold a deeper descent (documents thousands of levels deep, which another
/// client may have stored), the path is reported as changed instead of throwing. A diff may then name a path whose
/// content is in fact equal, but it never misses a change.
/// </para>
/// </remarks>
public static class IrDiff
{
    /// <summary>Returns the paths that differ between two IR documents.</summary>
    /// <param name="previous">
    /// The previous revision's IR; <see langword="null"/> (or anything but a JSON object) when there is none, in which
    /// case every top-level key of <paramref name="next"/> counts as changed.
    /// </param>
    /// <param name="next">The new IR: a JSON object.</param>
    /// <returns>The changed paths, distinct and sorted by ordinal comparison; empty when the documents are equal.</returns>
    /// <exception cref="ArgumentException"><paramref name="next"/> is not a JSON object.</exception>
    public static IReadOnlyList<string> ChangedFields(JsonElement? previous, JsonElement next)
    {
        if (next.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"An IR document is a JSON object; this one is a JSON {next.ValueKind}.", nameof(next));
        }

        var paths = new SortedSet<string>(StringComparer.Ordinal);
        if (previous is { ValueKind: JsonValueKind.Object } before)
        {
            Compare(before, next, prefix: null, paths);
        }
        else
        {
            foreach (var key in Properties(next).Keys)
            {
                paths.Add(Join(null, key));
            }
        }

        return [.. paths];
    }

    private static void Compare(JsonElement before, JsonElement after, string? prefix, SortedSet<string> paths)
    {
        var old = Properties(before);
        var current = Properties(after);
        foreach (var (key, value) in current)
        {
            var path = Join(prefix, key);
            if (!old.TryGetValue(key, out var oldValue))
            {
                paths.Add(path);
            }
            else if (oldValue.ValueKind == JsonValueKind.Object && value.ValueKind == JsonValueKind.Object)
            {
                if (RuntimeHelpers.TryEnsureSufficientExecutionStack())
                {
                    Compare(oldValue, value, path, paths);
                }
                else
                {
                    paths.Add(path);
                }
            }
            else if (!AreEqual(oldValue, value))
            {
                paths.Add(path);
            }
        }

        foreach (var key in old.Keys)
        {
            if (!current.ContainsKey(key))
            {
                paths.Add(Join(prefix, key));
            }
        }
    }

    // DeepEquals guards its own recursion and throws when the stack runs short; a path it cannot compare counts as changed.
    private static bool AreEqual(JsonElement before, JsonElement after)
    {
        try
        {
            return JsonElement.DeepEquals(before, after);
        }
        catch (InsufficientExecutionStackException)
        {
            return false;
        }
    }

    // Last value wins for a repeated key, as jsonb keeps it.
    private static Dictionary<string, JsonElement> Properties(JsonElement element)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            properties[property.Name] = property.Value;
        }

        return properties;
    }

    private static string Join(string? prefix, string key) => prefix is null ? Escape(key) : $"{prefix}.{Escape(key)}";

    private static string Escape(string key)
    {
        if (key.Length == 0)
        {
            return @"\e";
        }

        if (key.AsSpan().IndexOfAny('.', '\\') < 0)
        {
            return key;
        }

        var escaped = new StringBuilder(key.Length + 4);
        foreach (var c in key)
        {
            if (c is '.' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
