using System.Text.Json;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Fakers;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.EfCore.Tests.Views;

/// <summary>
/// Every number of the four views equals the same aggregate computed in C# over the rows the views read (Bogus data,
/// see <see cref="AnalyticsDataSet"/>), with the semantics the read models document: sums of nothing are 0; latest
/// values, averages and percentages of nothing are NULL; percentages and averages are rounded to 2 decimals (durations'
/// averages to 6) with halves away from zero, as PostgreSQL's <c>round(numeric)</c> does.
/// </summary>
public sealed class ViewAggregateTests
{
    private TestDatabase database = null!;
    private AnalyticsDataSet data = null!;

    [OneTimeSetUp]
    public async Task CreateData()
    {
        database = await TestDatabase.CreateAsync();
        data = await AnalyticsDataSet.CreateAsync(database);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [Test]
    public void Data_set_holds_the_cases_the_comparisons_rely_on()
    {
        Assert.Multiple(() =>
        {
            Assert.That(data.Sessions, Has.Count.GreaterThanOrEqualTo(16));
            Assert.That(data.Sessions.Select(s => s.Status).Distinct(), Is.EquivalentTo(Enum.GetValues<SessionStatus>()));
            Assert.That(data.Drafts.Count(d => d.LlmCostUsd is null), Is.GreaterThan(3), "drafts without a cost");
            Assert.That(data.Drafts.Count(d => d.GenerationTimeMs is null), Is.GreaterThan(3), "drafts without a time");
            Assert.That(data.Drafts.Count(d => d.IrRevisionId is not null), Is.Positive, "drafts made from a revision");
            Assert.That(data.Drafts.Count(d => d.IsFullyValid), Is.Positive.And.LessThan(data.Drafts.Count));
            Assert.That(data.Revisions, Is.Not.Empty);
            Assert.That(data.Resolutions, Is.Not.Empty);
            Assert.That(data.Sessions.Select(s => s.UpdatedAt - s.CreatedAt).Distinct().Count(), Is.GreaterThan(10), "durations differ");
        });
    }

    [Test]
    public async Task Session_summary_rows_equal_the_aggregates_computed_in_csharp()
    {
        var expected = data.Sessions.Select(s =>
        {
            var drafts = data.DraftsOf(s.Id).ToArray();
            var latest = drafts.MaxBy(d => d.DraftNumber);
            return new SummaryRow(
                s.Id, s.UserId, s.Status, s.Source,
                data.RevisionsOf(s.Id).Count(), drafts.Length, data.ResolutionsOf(s.Id).Count(),
                s.CreatedAt, s.UpdatedAt, s.FinalizedAt,
                data.RevisionsOf(s.Id).Select(r => (int?)r.RevisionNumber).Max(),
                latest?.DraftNumber,
                latest?.IsFullyValid,
                drafts.Sum(d => (long)(d.GenerationTimeMs ?? 0)),
                drafts.Sum(d => d.LlmCostUsd ?? 0m),
                drafts.Sum(d => (long)(d.LlmTokensUsed ?? 0)),
                Seconds(s.UpdatedAt - s.CreatedAt),
                s.FinalizedAt is { } finalized ? Seconds(finalized - s.CreatedAt) : null);
        });

        await using var context = database.CreateOwnerContext();
        var actual = (await context.SessionSummaries.ToListAsync()).Select(v => new SummaryRow(
            v.Id, v.UserId, v.Status, v.Source, v.RevisionCount, v.DraftCount, v.HoleCount, v.CreatedAt, v.UpdatedAt, v.FinalizedAt,
            v.LatestRevisionNumber, v.LatestDraftNumber, v.LatestDraftValid, v.TotalGenerationTimeMs, v.TotalLlmCostUsd,
            v.TotalLlmTokensUsed, v.SessionDurationSeconds, v.TimeToFinalizationSeconds));

        Assert.That(actual, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task User_analytics_rows_equal_the_aggregates_computed_in_csharp()
    {
        var expected = data.Sessions.GroupBy(s => s.UserId).Select(g =>
        {
            var sessions = g.ToArray();
            var drafts = sessions.SelectMany(s => data.DraftsOf(s.Id)).ToArray();
            var revisions = sessions.Sum(s => (long)data.RevisionsOf(s.Id).Count());
            var finalization = sessions.Where(s => s.FinalizedAt is not null).Select(s => Seconds(s.FinalizedAt!.Value - s.CreatedAt)).ToArray();
            return new AnalyticsRow(
                g.Key,
                sessions.Length,
                sessions.Count(s => s.Status == SessionStatus.Finalized),
                sessions.Count(s => s.Status == SessionStatus.Active),
                sessions.Count(s => s.Status == SessionStatus.Paused),
                sessions.Count(s => s.Status == SessionStatus.Error),
                revisions,
                drafts.Length,
                Round((decimal)revisions / sessions.Length, 2),
                Round((decimal)drafts.Length / sessions.Length, 2),
                sessions.Min(s => s.CreatedAt),
                sessions.Max(s => s.CreatedAt),
                drafts.Sum(d => d.LlmCostUsd ?? 0m),
                drafts.Sum(d => (long)(d.LlmTokensUsed ?? 0)),
                finalization.Length == 0 ? null : Round(finalization.Sum() / finalization.Length, 6));
        });

        await using var context = database.CreateOwnerContext();
        var actual = (await context.UserAnalytics.ToListAsync()).Select(v => new AnalyticsRow(
            v.UserId, v.TotalSessions, v.FinalizedSessions, v.ActiveSessions, v.PausedSessions, v.ErrorSessions, v.TotalRevisions,
            v.TotalDrafts, v.AvgRevisionsPerSession, v.AvgDraftsPerSession, v.FirstSessionAt, v.LastSessionAt, v.TotalLlmCostUsd,
            v.TotalLlmTokensUsed, v.AvgTimeToFinalizationSeconds));

        Assert.That(actual, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task Draft_validation_stats_rows_equal_the_aggregates_computed_in_csharp()
    {
        var expected = data.Sessions.Select(s =>
        {
            var drafts = data.DraftsOf(s.Id).ToArray();
            var (syntax, ast, fully) = (drafts.Count(d => d.SyntaxValid), drafts.Count(d => d.AstValid), drafts.Count(d => d.IsFullyValid));
            return new ValidationRow(
                s.Id, s.UserId, drafts.Length, syntax, ast, fully,
                Percent(syntax, drafts.Length), Percent(ast, drafts.Length), Percent(fully, drafts.Length),
                Average(drafts.Select(d => d.GenerationTimeMs)), Average(drafts.Select(d => d.ValidationTimeMs)),
                drafts.Sum(d => d.LlmCostUsd ?? 0m));
        });

        await using var context = database.CreateOwnerContext();
        var actual = (await context.DraftValidationStats.ToListAsync()).Select(v => new ValidationRow(
            v.SessionId, v.UserId, v.TotalDrafts, v.SyntaxValidCount, v.AstValidCount, v.FullyValidCount, v.SyntaxValidPercent,
            v.AstValidPercent, v.FullyValidPercent, v.AvgGenerationTimeMs, v.AvgValidationTimeMs, v.TotalLlmCostUsd));

        Assert.That(actual, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task Recent_activity_has_one_event_per_created_row_with_its_data()
    {
        var owners = data.Sessions.ToDictionary(s => s.Id, s => s.UserId);
        var expected = data.Sessions
            .Select(s => new ActivityRow(SessionActivityKind.SessionCreated, s.Id, s.UserId, null, null, null, s.CreatedAt, Json(w =>
                w.WriteString("source", SessionEnumText.ToText(s.Source)))))
            .Concat(data.Revisions.Select(r => new ActivityRow(
                SessionActivityKind.RevisionCreated, r.SessionId, owners[r.SessionId], r.Id, null, null, r.CreatedAt, Json(w =>
                {
                    w.WriteNumber("revision_number", r.RevisionNumber);
                    w.WriteString("source", SessionEnumText.ToText(r.Source));
                    w.WritePropertyName("changed_fields");
                    JsonSerializer.Serialize(w, r.ChangedFields);
                }))))
            .Concat(data.Drafts.Select(d => new ActivityRow(
                SessionActivityKind.DraftCreated, d.SessionId, owners[d.SessionId], d.IrRevisionId, d.Id, null, d.CreatedAt, Json(w =>
                {
                    w.WriteNumber("draft_number", d.DraftNumber);
                    w.WriteString("source", SessionEnumText.ToText(d.Source));
                    w.WriteString("language", d.Language);
                    w.WriteBoolean("syntax_valid", d.SyntaxValid);
                    w.WriteBoolean("ast_valid", d.AstValid);
                }))))
            .Concat(data.Resolutions.Select(h => new ActivityRow(
                SessionActivityKind.HoleResolved, h.SessionId, owners[h.SessionId], h.IrRevisionId, null, h.Id, h.CreatedAt, Json(w =>
                {
                    w.WriteString("hole_id", h.HoleId);
                    w.WriteString("hole_type", SessionEnumText.ToText(h.HoleType));
                    w.WriteString("resolution_method", SessionEnumText.ToText(h.ResolutionMethod));
                    w.WritePropertyName("confidence_score");
                    JsonSerializer.Serialize(w, h.ConfidenceScore);
                }))));

        await using var context = database.CreateOwnerContext();
        var actual = (await context.RecentActivities.ToListAsync()).Select(v => new ActivityRow(
            v.EventType, v.SessionId, v.UserId, v.RevisionId, v.DraftId, v.ResolutionId, v.EventTime, new JsonValue(v.EventData)));

        Assert.That(actual, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task Session_without_drafts_has_zero_totals_and_null_latest_values_rates_and_averages()
    {
        await using var context = database.CreateOwnerContext();
        var summary = await context.SessionSummaries.SingleAsync(s => s.Id == data.SessionWithoutDrafts);
        var stats = await context.DraftValidationStats.SingleAsync(s => s.SessionId == data.SessionWithoutDrafts);

        Assert.Multiple(() =>
        {
            Assert.That((summary.LatestRevisionNumber, summary.LatestDraftNumber, summary.LatestDraftValid), Is.EqualTo(((int?)null, (int?)null, (bool?)null)));
            Assert.That((summary.TotalGenerationTimeMs, summary.TotalLlmCostUsd, summary.TotalLlmTokensUsed), Is.EqualTo((0L, 0m, 0L)));
            Assert.That((stats.TotalDrafts, stats.FullyValidCount, stats.TotalLlmCostUsd), Is.EqualTo((0L, 0L, 0m)));
            Assert.That(new[] { stats.SyntaxValidPercent, stats.AstValidPercent, stats.FullyValidPercent, stats.AvgGenerationTimeMs, stats.AvgValidationTimeMs },
                Is.All.Null);
        });
    }

    [Test]
    public async Task Drafts_without_metrics_give_null_averages_and_zero_totals_but_real_rates()
    {
        await using var context = database.CreateOwnerContext();
        var stats = await context.DraftValidationStats.SingleAsync(s => s.SessionId == data.SessionWithoutDraftMetrics);
        var summary = await context.SessionSummaries.SingleAsync(s => s.Id == data.SessionWithoutDraftMetrics);

        Assert.Multiple(() =>
        {
            Assert.That((stats.TotalDrafts, stats.AvgGenerationTimeMs, stats.AvgValidationTimeMs, stats.TotalLlmCostUsd),
                Is.EqualTo((3L, (decimal?)null, (decimal?)null, 0m)));
            Assert.That(stats.SyntaxValidPercent, Is.Not.Null);
            Assert.That((summary.TotalGenerationTimeMs, summary.TotalLlmTokensUsed, summary.LatestDraftNumber), Is.EqualTo((0L, 0L, (int?)3)));
        });
    }

    [Test]
    public async Task Percentages_and_averages_round_halves_away_from_zero()
    {
        await using var context = database.CreateOwnerContext();
        var stats = await context.DraftValidationStats.SingleAsync(s => s.SessionId == data.RoundingProbe);

        // 1 of 32 drafts: 3.125 % and an average of 1/32 = 0.03125 ms; banker's rounding would give 3.12.
        Assert.That((stats.FullyValidPercent, stats.SyntaxValidPercent, stats.AvgGenerationTimeMs), Is.EqualTo(((decimal?)3.13m, (decimal?)100m, (decimal?)0.03m)));
    }

    [Test]
    public async Task User_without_finalized_sessions_has_no_average_time_to_finalization()
    {
        await using var context = database.CreateOwnerContext();
        var analytics = await context.UserAnalytics.SingleAsync(u => u.UserId == data.UserWithoutFinalizedSessions);

        Assert.That((analytics.FinalizedSessions, analytics.AvgTimeToFinalizationSeconds), Is.EqualTo((0L, (decimal?)null)));
        Assert.That(data.Sessions.Count(s => s.FinalizedAt is not null), Is.Positive, "other users did finalize, so the average is exercised");
    }

    private static decimal Seconds(TimeSpan span) => span.Ticks / (decimal)TimeSpan.TicksPerSecond;

    private static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    private static decimal? Percent(int count, int total) => total == 0 ? null : Round(100m * count / total, 2);

    private static decimal? Average(IEnumerable<int?> values)
    {
        var present = values.OfType<int>().ToArray();
        return present.Length == 0 ? null : Round((decimal)present.Sum(v => (long)v) / present.Length, 2);
    }

    private static JsonValue Json(Action<Utf8JsonWriter> writeProperties) => new(FakeJson.Write(w =>
    {
        w.WriteStartObject();
        writeProperties(w);
        w.WriteEndObject();
    }));

    private sealed record SummaryRow(
        Guid Id, Guid UserId, SessionStatus Status, SessionSource Source, int RevisionCount, int DraftCount, int HoleCount,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinalizedAt, int? LatestRevisionNumber,
        int? LatestDraftNumber, bool? LatestDraftValid, long TotalGenerationTimeMs, decimal TotalLlmCostUsd, long TotalLlmTokensUsed,
        decimal SessionDurationSeconds, decimal? TimeToFinalizationSeconds);

    private sealed record AnalyticsRow(
        Guid UserId, long TotalSessions, long FinalizedSessions, long ActiveSessions, long PausedSessions, long ErrorSessions,
        long TotalRevisions, long TotalDrafts, decimal AvgRevisionsPerSession, decimal AvgDraftsPerSession, DateTimeOffset FirstSessionAt,
        DateTimeOffset LastSessionAt, decimal TotalLlmCostUsd, long TotalLlmTokensUsed, decimal? AvgTimeToFinalizationSeconds);

    private sealed record ValidationRow(
        Guid SessionId, Guid UserId, long TotalDrafts, long SyntaxValidCount, long AstValidCount, long FullyValidCount,
        decimal? SyntaxValidPercent, decimal? AstValidPercent, decimal? FullyValidPercent, decimal? AvgGenerationTimeMs,
        decimal? AvgValidationTimeMs, decimal TotalLlmCostUsd);

    private sealed record ActivityRow(
        SessionActivityKind EventType, Guid SessionId, Guid UserId, Guid? RevisionId, Guid? DraftId, Guid? ResolutionId,
        DateTimeOffset EventTime, JsonValue EventData);
}
