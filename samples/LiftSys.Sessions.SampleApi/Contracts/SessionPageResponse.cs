namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>One page of <c>GET /api/sessions</c>; <c>next_offset</c> is the offset of the next page, or null after the last.</summary>
internal sealed record SessionPageResponse(IReadOnlyList<SessionResponse> Items, int Offset, int Limit, bool HasMore, int? NextOffset)
{
    public static SessionPageResponse From(Page<Session> page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new(
            page.Items.Select(SessionResponse.From).ToArray(),
            page.Request.Offset,
            page.Request.Limit,
            page.HasMore,
            page.Next?.Offset);
    }
}
