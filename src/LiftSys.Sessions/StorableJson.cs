using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// Checks that a JSON value is one PostgreSQL's <c>jsonb</c> stores as it is, and one System.Text.Json writes with its
/// default options, so a bad value is refused with <see cref="SessionValidationException"/> instead of failing late in
/// Npgsql's serializer, in PostgreSQL, or in <see cref="JsonElement.DeepEquals"/>.
/// </summary>
/// <remarks>
/// Every string and property name must be well-formed Unicode without NUL (jsonb refuses the escapes <c>\u0000</c> and
/// unpaired <c>\uD800</c>…<c>\uDFFF</c>); objects and arrays may nest at most <see cref="Guard.MaxJsonDepth"/> deep;
/// every number must fit PostgreSQL's <c>numeric</c>, which is what jsonb stores numbers as
/// (<see cref="PostgresNumeric"/>). The walk recurses at most <see cref="Guard.MaxJsonDepth"/> + 1 levels, whatever
/// depth the caller's document has.
/// </remarks>
internal static class StorableJson
{
    public static void Check(JsonElement value, string field) => Check(value, field, depth: 0, path: []);

    private static void Check(JsonElement value, string field, int depth, List<PathSegment> path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                EnterContainer(field, depth, path);
                foreach (var property in value.EnumerateObject())
                {
                    var name = ReadText(() => property.Name, field, path)!;
                    path.Add(new PathSegment(name, -1));
                    if (!Guard.IsStorableText(name))
                    {
                        Guard.StorableText(name, field, "the property name " + Format(path));
                    }

                    Check(property.Value, field, depth + 1, path);
                    path.RemoveAt(path.Count - 1);
                }

                break;

            case JsonValueKind.Array:
                EnterContainer(field, depth, path);
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    path.Add(new PathSegment(null, index++));
                    Check(item, field, depth + 1, path);
                    path.RemoveAt(path.Count - 1);
                }

                break;

            case JsonValueKind.String:
                var text = ReadText(value.GetString, field, path)!;
                if (!Guard.IsStorableText(text))
                {
                    Guard.StorableText(text, field, Format(path));
                }

                break;

            case JsonValueKind.Number:
                if (!PostgresNumeric.IsInRange(JsonMarshal.GetRawUtf8Value(value)))
                {
                    throw new SessionValidationException(
                        field,
                        ValidationRule.Range,
                        $"{field} has a number PostgreSQL's numeric cannot hold (at {Format(path)}): at most "
                        + $"{PostgresNumeric.MaxDigitsBeforePoint} digits before the decimal point and "
                        + $"{PostgresNumeric.MaxDigitsAfterPoint} after it.");
                }

                break;
        }
    }

    private static void EnterContainer(string field, int depth, List<PathSegment> path)
    {
        if (depth >= Guard.MaxJsonDepth)
        {
            throw new SessionValidationException(
                field,
                ValidationRule.MaxDepth,
                $"{field} must not nest objects and arrays more than {Guard.MaxJsonDepth} deep; it goes deeper at {Format(path)}.");
        }
    }

    // System.Text.Json decodes escapes only when a string is read; an escaped unpaired surrogate then fails to transcode.
    private static string? ReadText(Func<string?> read, string field, List<PathSegment> path)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException ex)
        {
            throw new SessionValidationException(
                field,
                ValidationRule.ValidUnicode,
                $"{field} must be well-formed Unicode (at {Format(path)}): {ex.Message}");
        }
    }

    private static string Format(List<PathSegment> path)
    {
        var text = new StringBuilder("$");
        foreach (var segment in path)
        {
            if (segment.Name is { } name)
            {
                // A property name may be up to 1 MiB long; the message needs only enough of it to find the place.
                text.Append('[').Append(JsonSerializer.Serialize(name.Length > 40 ? name[..40] + "…" : name)).Append(']');
            }
            else
            {
                text.Append('[').Append(segment.Index).Append(']');
            }
        }

        return text.ToString();
    }

    private readonly record struct PathSegment(string? Name, int Index);
}
