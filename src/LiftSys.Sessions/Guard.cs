using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// Checks that raise <see cref="SessionValidationException"/> naming the schema column and the rule, so bad input is
/// refused before any SQL is sent.
/// </summary>
internal static class Guard
{
    /// <summary>The longest text or JSON document (in UTF-16 characters) the library accepts in one column: 1 MiB.</summary>
    public const int MaxTextLength = 1024 * 1024;

    /// <summary>
    /// The deepest nesting of objects and arrays the library accepts in a JSON value: 64, System.Text.Json's default, so
    /// whatever the library stores a host can also serialize with default options.
    /// </summary>
    public const int MaxJsonDepth = 64;

    /// <summary>The earliest timestamp the library stores: 1970-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset MinTimestamp = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The first timestamp the library no longer stores: 9999-01-01T00:00:00Z. Npgsql writes
    /// <see cref="DateTimeOffset.MaxValue"/> as <c>infinity</c> (and <see cref="DateTimeOffset.MinValue"/> as
    /// <c>-infinity</c>), which the views' date arithmetic cannot handle, so the range stops well short of both.
    /// </summary>
    public static readonly DateTimeOffset MaxTimestampExclusive = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string NotEmpty(string? value, string field) => NotEmpty(value, field, MaxTextLength);

    public static string NotEmpty(string? value, string field, int maxLength)
    {
        if (value is null)
        {
            throw new SessionValidationException(field, ValidationRule.Required, $"{field} is required.");
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SessionValidationException(field, ValidationRule.NotEmpty, $"{field} must not be empty or white space.");
        }

        return Text(value, field, maxLength)!;
    }

    public static string? Text(string? value, string field) => Text(value, field, MaxTextLength);

    public static string? Text(string? value, string field, int maxLength)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            throw new SessionValidationException(
                field, ValidationRule.MaxLength, $"{field} must be at most {maxLength} characters; it has {value.Length}.");
        }

        if (!IsStorableText(value))
        {
            StorableText(value, field, where: null);
        }

        return value;
    }

    /// <summary>
    /// Refuses what PostgreSQL's UTF-8 <c>text</c> and <c>jsonb</c> cannot store: NUL, and unpaired UTF-16 surrogates,
    /// which have no UTF-8 encoding (Npgsql would fail to encode them only once the command is being sent). Does
    /// nothing when <see cref="IsStorableText"/> holds.
    /// </summary>
    /// <param name="value">The text.</param>
    /// <param name="field">The column.</param>
    /// <param name="where">Where in a JSON value the text is, for the message; <see langword="null"/> for a column's own text.</param>
    public static void StorableText(ReadOnlySpan<char> value, string field, string? where)
    {
        var at = where is null ? string.Empty : $" (at {where})";
        if (value.Contains('\0'))
        {
            throw new SessionValidationException(
                field, ValidationRule.NoNulCharacter, $"{field} must not contain NUL characters{at}: PostgreSQL text and jsonb cannot store them.");
        }

        if (IndexOfUnpairedSurrogate(value) is var index and >= 0)
        {
            throw new SessionValidationException(
                field,
                ValidationRule.ValidUnicode,
                $"{field} must be well-formed Unicode{at}: it has an unpaired UTF-16 surrogate (U+{(int)value[index]:X4}) at index {index}, "
                + "which UTF-8 cannot encode.");
        }
    }

    public static int Positive(int value, string field)
        => value > 0
            ? value
            : throw new SessionValidationException(field, ValidationRule.Positive, $"{field} must be greater than zero; it was {value}.");

    public static int? NonNegative(int? value, string field)
        => value is null or >= 0
            ? value
            : throw new SessionValidationException(field, ValidationRule.NonNegative, $"{field} must not be negative; it was {value}.");

    /// <summary>Checks that a value fits a <c>numeric(precision, scale)</c> column without being rounded or overflowing.</summary>
    public static decimal? Numeric(decimal? value, string field, int precision, int scale)
    {
        if (value is not { } number)
        {
            return null;
        }

        if (decimal.Round(number, scale) != number || Math.Abs(decimal.Truncate(number)) >= Pow10(precision - scale))
        {
            throw new SessionValidationException(
                field,
                ValidationRule.Precision,
                $"{field} must fit numeric({precision}, {scale}): fewer than {precision - scale} digits before the point "
                + $"and at most {scale} after it; it was {number}.");
        }

        return number;
    }

    public static decimal? NonNegative(decimal? value, string field)
        => value is not { } number || number >= 0
            ? value
            : throw new SessionValidationException(field, ValidationRule.NonNegative, $"{field} must not be negative; it was {number}.");

    public static decimal? Between(decimal? value, string field, decimal min, decimal max)
        => value is not { } number || (number >= min && number <= max)
            ? value
            : throw new SessionValidationException(field, ValidationRule.Range, $"{field} must be between {min} and {max}; it was {number}.");

    public static TEnum Defined<TEnum>(TEnum value, string field)
        where TEnum : struct, Enum
        => Enum.IsDefined(value)
            ? value
            : throw new SessionValidationException(
                field,
                ValidationRule.DefinedValue,
                $"{field} must be one of {string.Join(", ", SessionEnumText.AllTexts<TEnum>())}; it was {value}.");

    /// <summary>Checks a JSON value and detaches it from its <see cref="JsonDocument"/>.</summary>
    public static JsonElement Json(JsonElement value, string field, JsonValueKind? requiredKind = null)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw new SessionValidationException(field, ValidationRule.JsonShape, $"{field} must be a JSON value; it was undefined.");
        }

        if (requiredKind is { } kind && value.ValueKind != kind)
        {
            throw new SessionValidationException(
                field,
                ValidationRule.JsonShape,
                $"{field} must be a JSON {kind.ToString().ToLowerInvariant()}; it was a JSON {value.ValueKind.ToString().ToLowerInvariant()}.");
        }

        var raw = value.GetRawText();
        if (raw.Length > MaxTextLength)
        {
            throw new SessionValidationException(
                field, ValidationRule.MaxLength, $"{field} must be at most {MaxTextLength} characters of JSON; it has {raw.Length}.");
        }

        StorableJson.Check(value, field);
        return value.Clone();
    }

    public static JsonElement? Json(JsonElement? value, string field, JsonValueKind? requiredKind = null)
        => value is { } element ? Json(element, field, requiredKind) : null;

    /// <summary>Checks that a timestamp is within [<see cref="MinTimestamp"/>, <see cref="MaxTimestampExclusive"/>) and returns it in UTC.</summary>
    public static DateTimeOffset Timestamp(DateTimeOffset value, string field)
    {
        var utc = value.ToUniversalTime();
        if (utc < MinTimestamp || utc >= MaxTimestampExclusive)
        {
            throw new SessionValidationException(
                field,
                ValidationRule.Range,
                $"{field} must be from {MinTimestamp:O} up to, but not including, {MaxTimestampExclusive:O}; it was {utc:O}.");
        }

        return utc;
    }

    /// <summary>Whether PostgreSQL's UTF-8 <c>text</c> can store <paramref name="value"/>: no NUL, no unpaired surrogate.</summary>
    public static bool IsStorableText(ReadOnlySpan<char> value) => !value.Contains('\0') && IndexOfUnpairedSurrogate(value) < 0;

    /// <summary>The index of the first UTF-16 surrogate that is not part of a high-low pair, or -1 when there is none.</summary>
    internal static int IndexOfUnpairedSurrogate(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (true)
        {
            var found = text[offset..].IndexOfAnyInRange('\uD800', '\uDFFF');
            if (found < 0)
            {
                return -1;
            }

            var index = offset + found;
            if (!char.IsHighSurrogate(text[index]) || index + 1 >= text.Length || !char.IsLowSurrogate(text[index + 1]))
            {
                return index;
            }

            offset = index + 2;
        }
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
