namespace LiftSys.Sessions;

/// <summary>
/// Which slice of a list to read: skip <see cref="Offset"/> items, then return at most <see cref="Limit"/>. A valid
/// request can only be constructed: the constructor refuses a negative offset and a limit outside 1..<see cref="MaxLimit"/>.
/// </summary>
public sealed record PageRequest
{
    /// <summary>The number of items a page holds when none is given: 50.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The most items one page may hold: 500.</summary>
    public const int MaxLimit = 500;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="offset">How many items to skip; zero or greater.</param>
    /// <param name="limit">The most items to return; 1 to <see cref="MaxLimit"/>.</param>
    /// <exception cref="SessionValidationException">
    /// <paramref name="offset"/> is negative (field <c>offset</c>, <see cref="ValidationRule.NonNegative"/>), or
    /// <paramref name="limit"/> is outside 1..<see cref="MaxLimit"/> (field <c>limit</c>, <see cref="ValidationRule.Range"/>).
    /// </exception>
    public PageRequest(int offset, int limit)
    {
        if (offset < 0)
        {
            throw new SessionValidationException("offset", ValidationRule.NonNegative, $"offset must not be negative; it was {offset}.");
        }

        if (limit is < 1 or > MaxLimit)
        {
            throw new SessionValidationException("limit", ValidationRule.Range, $"limit must be between 1 and {MaxLimit}; it was {limit}.");
        }

        Offset = offset;
        Limit = limit;
    }

    /// <summary>Gets how many items are skipped.</summary>
    public int Offset { get; }

    /// <summary>Gets the most items the page holds.</summary>
    public int Limit { get; }

    /// <summary>Returns the first page.</summary>
    /// <param name="limit">The most items to return; 1 to <see cref="MaxLimit"/>.</param>
    /// <returns>A request with offset 0.</returns>
    /// <exception cref="SessionValidationException"><paramref name="limit"/> is outside 1..<see cref="MaxLimit"/>.</exception>
    public static PageRequest First(int limit = DefaultLimit) => new(0, limit);
}
