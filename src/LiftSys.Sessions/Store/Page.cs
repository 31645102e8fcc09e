namespace LiftSys.Sessions;

/// <summary>One page of a list read through <see cref="ISessionStore"/>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items, in the list's documented order; at most <see cref="PageRequest.Limit"/> of them.</param>
/// <param name="Request">The request that produced the page.</param>
/// <param name="HasMore">Whether at least one more item followed this page when it was read.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, PageRequest Request, bool HasMore)
{
    /// <summary>
    /// Gets the request for the page after this one, or <see langword="null"/> when <see cref="HasMore"/> is
    /// <see langword="false"/> (or the next offset would not fit an <see cref="int"/>).
    /// </summary>
    public PageRequest? Next =>
        HasMore && Request.Offset <= int.MaxValue - Request.Limit ? new PageRequest(Request.Offset + Request.Limit, Request.Limit) : null;
}
