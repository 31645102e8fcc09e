namespace LiftSys.Sessions;

/// <summary>
/// The range of PostgreSQL's unconstrained <c>numeric</c>, which <c>jsonb</c> stores every JSON number as: up to
/// 131072 digits before the decimal point and up to 16383 after it. A JSON number outside it makes PostgreSQL fail the
/// whole statement with 22003 ("value overflows numeric format").
/// </summary>
/// <remarks>
/// This follows PostgreSQL's <c>numeric_in</c> exactly (checked against PostgreSQL 15): the scale kept is the number of
/// digits written after the point minus the exponent (never below zero), and must not exceed 16383, even for zero
/// (<c>0.0e-16383</c> is refused, <c>0e-16383</c> is not); the first significant digit must stand for less than
/// 10^131072; and an exponent of magnitude 2^30 − 1 or more is refused outright.
/// </remarks>
internal static class PostgresNumeric
{
    /// <summary>The most digits a <c>numeric</c> holds before the decimal point.</summary>
    public const int MaxDigitsBeforePoint = 131072;

    /// <summary>The most digits a <c>numeric</c> holds after the decimal point (its largest display scale).</summary>
    public const int MaxDigitsAfterPoint = 16383;

    // numeric_in refuses an exponent >= INT_MAX / 2 in magnitude before it looks at the digits.
    private const long ExponentLimit = int.MaxValue / 2;

    /// <summary>Whether PostgreSQL accepts a JSON number literal as <c>numeric</c>.</summary>
    /// <param name="literal">The literal as written in the JSON text (UTF-8), for example <c>-1.5e3</c>.</param>
    /// <returns><see langword="true"/> when PostgreSQL stores it.</returns>
    public static bool IsInRange(ReadOnlySpan<byte> literal)
    {
        var position = 0;
        if (position < literal.Length && literal[position] == (byte)'-')
        {
            position++;
        }

        var integerEnd = SkipDigits(literal, position);
        var integerDigits = literal[position..integerEnd];
        position = integerEnd;
        var fractionDigits = ReadOnlySpan<byte>.Empty;
        if (position < literal.Length && literal[position] == (byte)'.')
        {
            var fractionEnd = SkipDigits(literal, position + 1);
            fractionDigits = literal[(position + 1)..fractionEnd];
            position = fractionEnd;
        }

        var exponent = 0L;
        if (position < literal.Length && (literal[position] | 0x20) == (byte)'e')
        {
            position++;
            var negative = false;
            if (position < literal.Length && literal[position] is (byte)'+' or (byte)'-')
            {
                negative = literal[position] == (byte)'-';
                position++;
            }

            // Saturates: any exponent past the limit is refused, however many digits it has.
            foreach (var digit in literal[position..SkipDigits(literal, position)])
            {
                exponent = Math.Min((exponent * 10) + (digit - '0'), ExponentLimit);
            }

            exponent = negative ? -exponent : exponent;
        }

        if (exponent >= ExponentLimit || exponent <= -ExponentLimit)
        {
            return false;
        }

        if (Math.Max(0, fractionDigits.Length - exponent) > MaxDigitsAfterPoint)
        {
            return false;
        }

        // The power of ten the first significant digit stands for; a zero has none and fits.
        long leadingPower;
        var firstInteger = integerDigits.IndexOfAnyExcept((byte)'0');
        if (firstInteger >= 0)
        {
            leadingPower = integerDigits.Length - 1 - firstInteger;
        }
        else
        {
            var firstFraction = fractionDigits.IndexOfAnyExcept((byte)'0');
            if (firstFraction < 0)
            {
                return true;
            }

            leadingPower = -(firstFraction + 1);
        }

        return leadingPower + exponent < MaxDigitsBeforePoint;
    }

    private static int SkipDigits(ReadOnlySpan<byte> literal, int position)
    {
        while (position < literal.Length && char.IsAsciiDigit((char)literal[position]))
        {
            position++;
        }

        return position;
    }
}
