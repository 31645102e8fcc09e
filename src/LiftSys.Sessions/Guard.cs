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

    public static string NotEmpty(string? value, string field)
    {
        if (value is null)
        {
            throw new SessionValidationException(field, ValidationRule.Required, $"{field} is required.");
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SessionValidationException(field, ValidationRule.NotEmpty, $"{field} must not be empty or white space.");
        }

        return Text(value, field)!;
    }

    public static string? Text(string? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > MaxTextLength)
        {
            throw new SessionValidationException(
                field, ValidationRule.MaxLength, $"{field} must be at most {MaxTextLength} characters; it has {value.Length}.");
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new SessionValidationException(
                field, ValidationRule.NoNulCharacter, $"{field} must not contain NUL characters (PostgreSQL text cannot store them).");
        }

        return value;
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

        // jsonb rejects the escape \u0000 ("unsupported Unicode escape sequence"), so refuse it before PostgreSQL does.
        if (raw.Contains("\\u0000", StringComparison.OrdinalIgnoreCase))
        {
            throw new SessionValidationException(
                field, ValidationRule.NoNulCharacter, $"{field} must not contain NUL characters (PostgreSQL jsonb cannot store them).");
        }

        return value.Clone();
    }

    public static JsonElement? Json(JsonElement? value, string field, JsonValueKind? requiredKind = null)
        => value is { } element ? Json(element, field, requiredKind) : null;

    public static DateTimeOffset Utc(DateTimeOffset value) => value.ToUniversalTime();

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
