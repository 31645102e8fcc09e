using LiftSys.Sessions.Benchmarks.Dataset;

namespace LiftSys.Sessions.Benchmarks.Operations;

/// <summary>
/// The operations the issue names, each as a pair (library, raw) over identical input. The BenchmarkDotNet classes, the
/// round-trip count and the reports all use these, so every table measures the same calls.
/// </summary>
internal static class OperationCatalog
{
    public const string Create = "Create session";
    public const string Get = "Get with latest revision and draft";
    public const string List = "List active (1000-session user, page of 50)";
    public const string Update = "Update session (optimistic, metadata)";
    public const string Status = "Status change (pause/resume)";
    public const string Append = "Append revision";
    public const string Rollback = "Rollback to revision 1";
    public const string Draft = "Add draft";
    public const string Resolve = "Resolve hole";
    public const string Summary = "View session_summary (one session)";
    public const string Usage = "View user_analytics (usage, 1000 sessions)";
    public const string Validation = "View draft_validation_stats (rate, 1000 sessions)";
    public const string Timeline = "View recent_activity (one session's timeline)";

    private const string Within1s = "< 1 s (8.3)";

    public static IReadOnlyList<BenchmarkOperation> All { get; } =
    [
        new(
            Create, "< 500 ms p95", Keyed: true,
            c => { var n = OperationContext.Next(); return c.Library.CreateSessionAsync(OperationContext.Creator, OperationContext.Inputs.Prompt(n), OperationContext.Inputs.Metadata); },
            c => { var n = OperationContext.Next(); return c.Raw.CreateSessionAsync(OperationContext.Creator, OperationContext.Inputs.Prompt(n), OperationContext.Inputs.Metadata); }),
        new(
            Get, "< 200 ms p95", Keyed: true,
            c => c.Library.GetWithLatestAsync(OperationContext.HotUser, c.Target(OperationContext.Next())),
            c => c.Raw.GetWithLatestAsync(OperationContext.HotUser, c.Target(OperationContext.Next()))),
        new(
            List, "< 500 ms p95", Keyed: true,
            c => c.Library.ListActiveAsync(OperationContext.HotUser),
            c => c.Raw.ListActiveAsync(OperationContext.HotUser, DatasetIds.HotUser)),
        new(
            Update, Within1s, Keyed: true,
            async c =>
            {
                var n = OperationContext.Next();
                await c.Data.Updated.EnsureLoadedAsync(c);
                var session = c.Data.Updated.Library(n);
                session.ReplaceMetadata(OperationContext.Inputs.UpdatedMetadata(n));
                c.Data.Updated.Library(n, await c.Library.UpdateAsync(OperationContext.HotUser, session));
            },
            async c =>
            {
                var n = OperationContext.Next();
                await c.Data.Updated.EnsureLoadedAsync(c);
                var session = c.Data.Updated.Raw(n) with { Metadata = OperationContext.Inputs.UpdatedMetadata(n) };
                c.Data.Updated.Raw(n, await c.Raw.UpdateAsync(OperationContext.HotUser, session));
            }),
        new(
            Status, Within1s, Keyed: true,
            async c =>
            {
                var n = OperationContext.Next();
                await c.Data.Toggled.EnsureLoadedAsync(c);
                var id = c.Data.Toggled.Library(n).Id;
                c.Data.Toggled.Library(n, c.Data.Toggled.Library(n).Status == SessionStatus.Active
                    ? await c.Library.PauseAsync(OperationContext.HotUser, id)
                    : await c.Library.ResumeAsync(OperationContext.HotUser, id));
            },
            async c =>
            {
                var n = OperationContext.Next();
                await c.Data.Toggled.EnsureLoadedAsync(c);
                var session = c.Data.Toggled.Raw(n);
                var target = session.Status == SessionStatus.Active ? SessionStatus.Paused : SessionStatus.Active;
                c.Data.Toggled.Raw(n, await c.Raw.ChangeStatusAsync(OperationContext.HotUser, session.Id, target));
            }),
        new(
            Append, Within1s, Keyed: true,
            c => { var n = OperationContext.Next(); return c.Library.AppendRevisionAsync(OperationContext.HotUser, c.Target(n), RevisionSource.Refinement, OperationContext.Inputs.Ir(n)); },
            c => { var n = OperationContext.Next(); return c.Raw.AppendRevisionAsync(OperationContext.HotUser, c.Target(n), RevisionSource.Refinement, OperationContext.Inputs.Ir(n)); }),
        new(
            Rollback, Within1s, Keyed: true,
            c => c.Library.RollbackToRevisionAsync(OperationContext.HotUser, c.Target(OperationContext.Next()), 1),
            c => c.Raw.RollbackToRevisionAsync(OperationContext.HotUser, c.Target(OperationContext.Next()), 1)),
        new(
            Draft, Within1s, Keyed: true,
            c => { var n = OperationContext.Next(); return c.Library.AddDraftAsync(OperationContext.HotUser, c.Target(n), DraftSource.LlmRegeneration, OperationContext.Inputs.Code(n), DraftDetails(c, n)); },
            c => { var n = OperationContext.Next(); return c.Raw.AddDraftAsync(OperationContext.HotUser, c.Target(n), DraftSource.LlmRegeneration, OperationContext.Inputs.Code(n), DraftDetails(c, n)); }),
        new(
            Resolve, Within1s, Keyed: true,
            c =>
            {
                var n = OperationContext.Next();
                return c.Library.ResolveHoleAsync(
                    OperationContext.HotUser, c.Target(n), OperationContext.HoleId(n), HoleType.Parameter, ResolutionMethod.UserSelection,
                    OperationContext.Inputs.ResolvedValue, ResolutionDetails(c, n));
            },
            c =>
            {
                var n = OperationContext.Next();
                return c.Raw.ResolveHoleAsync(
                    OperationContext.HotUser, c.Target(n), OperationContext.HoleId(n), HoleType.Parameter, ResolutionMethod.UserSelection,
                    OperationContext.Inputs.ResolvedValue, ResolutionDetails(c, n));
            }),
        new(
            Summary, Within1s, Keyed: true,
            c => c.Library.SessionSummaryAsync(OperationContext.HotUser, c.Target(OperationContext.Next())),
            c => c.Raw.SessionSummaryAsync(OperationContext.HotUser, c.Target(OperationContext.Next()))),
        new(
            Timeline, Within1s, Keyed: true,
            c => c.Library.ActivityTimelineAsync(OperationContext.HotUser, c.Target(OperationContext.Next())),
            c => c.Raw.ActivityTimelineAsync(OperationContext.HotUser, c.Target(OperationContext.Next()))),
        new(
            Usage, Within1s, Keyed: false,
            c => c.Library.UserUsageAsync(OperationContext.HotUser, DatasetIds.HotUser),
            c => c.Raw.UserUsageAsync(OperationContext.HotUser, DatasetIds.HotUser)),
        new(
            Validation, Within1s, Keyed: false,
            c => c.Library.ValidationSuccessRateAsync(OperationContext.HotUser, DatasetIds.HotUser),
            c => c.Raw.ValidationSuccessRateAsync(OperationContext.HotUser, DatasetIds.HotUser)),
    ];

    public static BenchmarkOperation Named(string name) => All.Single(o => o.Name == name);

    private static SessionDraftDetails DraftDetails(OperationContext c, int n) => new()
    {
        IrRevisionId = c.TargetRevision(n),
        SyntaxValid = true,
        AstValid = n % 3 != 0,
        GenerationTimeMs = 800 + (n % 400),
        ValidationTimeMs = 40,
        LlmTokensUsed = 600 + (n % 300),
        LlmCostUsd = 0.0012m,
    };

    private static HoleResolutionDetails ResolutionDetails(OperationContext c, int n) => new()
    {
        IrRevisionId = c.TargetRevision(n),
        ConfidenceScore = 0.9m,
    };
}
