using System.Collections.Frozen;
using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// Converts the session enums to and from the text values the database stores (the snake_case names of
/// schema v1: <c>active</c>, <c>user_edit</c>, <c>return_value</c>, <c>ai_suggestion</c>, …).
/// </summary>
/// <remarks>
/// The text of a member is its name in snake_case, the same as
/// <see cref="JsonNamingPolicy.SnakeCaseLower"/> produces, so a host serializing these enums with
/// <c>JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)</c> shows the same values as the database.
/// </remarks>
public static class SessionEnumText
{
    /// <summary>Returns the database text of <paramref name="value"/>.</summary>
    /// <typeparam name="TEnum">One of the session enums.</typeparam>
    /// <param name="value">A defined member of <typeparamref name="TEnum"/>.</param>
    /// <returns>The snake_case text, for example <c>user_edit</c> for <see cref="RevisionSource.UserEdit"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not a defined member.</exception>
    public static string ToText<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => Cache<TEnum>.ToText.TryGetValue(value, out var text)
            ? text
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} is not a defined {typeof(TEnum).Name}.");

    /// <summary>Parses the database text of a <typeparamref name="TEnum"/> member.</summary>
    /// <typeparam name="TEnum">One of the session enums.</typeparam>
    /// <param name="text">The snake_case text, compared case-sensitively as PostgreSQL's CHECK constraints do.</param>
    /// <returns>The member whose text is <paramref name="text"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not the text of any member.</exception>
    public static TEnum Parse<TEnum>(string text)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse<TEnum>(text, out var value)
            ? value
            : throw new FormatException(
                $"'{text}' is not a {typeof(TEnum).Name}; allowed values are {string.Join(", ", Cache<TEnum>.Texts)}.");
    }

    /// <summary>Tries to parse the database text of a <typeparamref name="TEnum"/> member.</summary>
    /// <typeparam name="TEnum">One of the session enums.</typeparam>
    /// <param name="text">The snake_case text.</param>
    /// <param name="value">The parsed member, or the default when parsing fails.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> names a member.</returns>
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        if (text is not null && Cache<TEnum>.FromText.TryGetValue(text, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Returns every allowed text of <typeparamref name="TEnum"/>, in declaration order.</summary>
    /// <typeparam name="TEnum">One of the session enums.</typeparam>
    /// <returns>The values a CHECK constraint on the column accepts.</returns>
    public static IReadOnlyList<string> AllTexts<TEnum>()
        where TEnum : struct, Enum
        => Cache<TEnum>.Texts;

    private static class Cache<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ToText = Enum.GetValues<TEnum>()
            .ToFrozenDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

        public static readonly FrozenDictionary<string, TEnum> FromText = ToText
            .ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

        public static readonly IReadOnlyList<string> Texts = Enum.GetValues<TEnum>().Select(v => ToText[v]).ToArray();
    }
}
