using System.Text.Json;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// One write operation of the store, for tests that run every write under the same fault: what must exist before it,
/// the call itself, and a count that reads <see cref="Before"/> until the write is stored and <see cref="After"/> once.
/// </summary>
/// <param name="Name">The operation, as the store names it.</param>
/// <param name="Arrange">Creates what the write needs (as the acting user), so that the write itself is the only call under the fault.</param>
/// <param name="Act">The write, one store call; returns what the store returned (<see langword="null"/> for a delete).</param>
/// <param name="EffectSql">A count over the session (parameter <c>$1</c>, its id) and the user (<c>$2</c>) that the write changes.</param>
/// <param name="Before">The count before the write.</param>
/// <param name="After">The count after the write was stored once.</param>
public sealed record StoreWriteCase(
    string Name,
    Func<ISessionStore, Task<ArrangedSession>> Arrange,
    Func<ISessionStore, ArrangedSession, Task<object?>> Act,
    string EffectSql,
    long Before,
    long After)
{
    private static readonly JsonElement Ir = JsonSerializer.SerializeToElement(new { intent = "add", parameters = new[] { "a", "b" } });

    /// <summary>Gets every write operation of <see cref="ISessionStore"/>.</summary>
    public static IEnumerable<StoreWriteCase> All { get; } =
    [
        new("create_from_prompt", _ => Task.FromResult(ArrangedSession.None), async (s, _) => await s.CreateFromPromptAsync("Add two numbers"),
            "SELECT count(*) FROM sessions WHERE user_id = $2", 0, 1),
        new("create_from_code", _ => Task.FromResult(ArrangedSession.None), async (s, _) => await s.CreateFromCodeAsync("def add(a, b): return a + b"),
            "SELECT count(*) FROM sessions WHERE user_id = $2", 0, 1),
        new("update", CreateAsync, UpdateAsync,
            "SELECT count(*) FROM sessions WHERE id = $1 AND metadata @> '{\"step\": 2}'", 0, 1),
        new("append_revision", CreateAsync, async (s, a) => await s.AppendRevisionAsync(a.SessionId, RevisionSource.Refinement, Ir),
            "SELECT count(*) FROM session_revisions WHERE session_id = $1", 0, 1),
        new("rollback", CreateWithRevisionAsync, async (s, a) => await s.RollbackToRevisionAsync(a.SessionId, 1),
            "SELECT count(*) FROM session_revisions WHERE session_id = $1", 1, 2),
        new("add_draft", CreateAsync, async (s, a) => await s.AddDraftAsync(a.SessionId, DraftSource.InitialGeneration, "def add(a, b): return a + b"),
            "SELECT count(*) FROM session_drafts WHERE session_id = $1", 0, 1),
        new("resolve_hole", CreateAsync,
            async (s, a) => await s.ResolveHoleAsync(a.SessionId, "hole_name", HoleType.Entity, ResolutionMethod.UserSelection, JsonSerializer.SerializeToElement("add")),
            "SELECT count(*) FROM hole_resolutions WHERE session_id = $1", 0, 1),
        new("resolve_hole_in_revision", CreateWithRevisionAsync, ResolveInLatestRevisionAsync,
            "SELECT count(*) FROM hole_resolutions WHERE session_id = $1", 0, 1),
        new("pause", CreateAsync, async (s, a) => await s.PauseAsync(a.SessionId),
            "SELECT count(*) FROM sessions WHERE id = $1 AND status = 'paused'", 0, 1),
        new("resume", CreatePausedAsync, async (s, a) => await s.ResumeAsync(a.SessionId),
            "SELECT count(*) FROM sessions WHERE id = $1 AND status = 'active'", 0, 1),
        new("finalize", CreateAsync, async (s, a) => await s.FinalizeAsync(a.SessionId),
            "SELECT count(*) FROM sessions WHERE id = $1 AND status = 'finalized'", 0, 1),
        new("mark_error", CreateAsync, async (s, a) => await s.MarkErrorAsync(a.SessionId),
            "SELECT count(*) FROM sessions WHERE id = $1 AND status = 'error'", 0, 1),
        new("delete", CreateAsync, async (s, a) =>
            {
                await s.DeleteAsync(a.SessionId);
                return null;
            },
            "SELECT count(*) FROM sessions WHERE id = $1", 1, 0),
    ];

    /// <inheritdoc />
    public override string ToString() => Name;

    private static async Task<ArrangedSession> CreateAsync(ISessionStore store)
        => new(await store.CreateFromPromptAsync("Add two numbers"), Revision: null);

    private static async Task<ArrangedSession> CreateWithRevisionAsync(ISessionStore store)
    {
        var session = await store.CreateFromPromptAsync("Add two numbers");
        return new(session, await store.AppendRevisionAsync(session.Id, RevisionSource.Initial, Ir));
    }

    private static async Task<ArrangedSession> CreatePausedAsync(ISessionStore store)
    {
        var session = await store.CreateFromPromptAsync("Add two numbers");
        return new(await store.PauseAsync(session.Id), Revision: null);
    }

    private static async Task<object?> UpdateAsync(ISessionStore store, ArrangedSession arranged)
    {
        var session = arranged.Session!;
        session.ReplaceMetadata(JsonSerializer.SerializeToElement(new { step = 2 }));
        return await store.UpdateAsync(session);
    }

    private static async Task<object?> ResolveInLatestRevisionAsync(ISessionStore store, ArrangedSession arranged)
        => await store.ResolveHoleAsync(
            arranged.SessionId, "hole_name", HoleType.Entity, ResolutionMethod.UserSelection, JsonSerializer.SerializeToElement("add"),
            new HoleResolutionDetails { IrRevisionId = arranged.Revision!.Id });
}
