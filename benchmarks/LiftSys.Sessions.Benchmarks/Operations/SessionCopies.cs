using LiftSys.Sessions.Benchmarks.Raw;

namespace LiftSys.Sessions.Benchmarks.Operations;

/// <summary>
/// The sessions the update and status-change benchmarks write, as each side last saw them: the library and the raw
/// baseline each have sessions of their own (so one side's write never invalidates the other's concurrency token or
/// status), and each call starts from the row the previous call on that session returned — an optimistic update sends
/// the <c>updated_at</c> it read, and a status change knows which transition is valid, without reading anything extra in
/// the measured call. Kept with the dataset, not a benchmark's context, because the rows outlive every context.
/// </summary>
internal sealed class SessionCopies(IReadOnlyList<Guid> library, IReadOnlyList<Guid> raw)
{
    private Session[]? librarySessions;
    private RawSession[]? rawSessions;

    public int Count => library.Count;

    /// <summary>Reads every session once, before the first call that needs them (that call is a warm-up one).</summary>
    /// <param name="context">The context to read through (the library side through the library, raw through raw).</param>
    /// <returns>A task that completes when both sides have their copies.</returns>
    public async ValueTask EnsureLoadedAsync(OperationContext context)
    {
        // The benchmarks call one operation at a time (never concurrently), so no lock.
        librarySessions ??= await Task.WhenAll(library.Select(async id =>
            (await context.Library.GetWithLatestAsync(OperationContext.HotUser, id))?.Session
            ?? throw new InvalidOperationException($"Session {id} is missing from the dataset.")));
        rawSessions ??= await Task.WhenAll(raw.Select(async id =>
            (await context.Raw.GetWithLatestAsync(OperationContext.HotUser, id))?.Session
            ?? throw new InvalidOperationException($"Session {id} is missing from the dataset.")));
    }

    public Session Library(int n) => librarySessions![n % library.Count];

    public void Library(int n, Session session) => librarySessions![n % library.Count] = session;

    public RawSession Raw(int n) => rawSessions![n % raw.Count];

    public void Raw(int n, RawSession session) => rawSessions![n % raw.Count] = session;
}
