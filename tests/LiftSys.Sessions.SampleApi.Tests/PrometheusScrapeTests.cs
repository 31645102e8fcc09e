using System.Net;
using System.Text.RegularExpressions;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>
/// The sample's Prometheus endpoint serves every metric and label the alerting rules (docs/monitoring) use, under the
/// names the exporter gives them — so a rule cannot watch a name that does not exist and stay silent forever.
/// </summary>
/// <remarks>
/// Not run beside other hosts: meter listeners are process-wide, and another host's instruments (same meter, same
/// names) being disposed mid-test can end the shared metric streams this host's exporter serves.
/// </remarks>
[NonParallelizable]
public sealed partial class PrometheusScrapeTests : SampleApiFixture
{
    private static readonly string RulesFile = Path.Combine(AppContext.BaseDirectory, "monitoring", "liftsys-sessions.rules.yml");
    private static readonly string DashboardFile = Path.Combine(AppContext.BaseDirectory, "monitoring", "liftsys-sessions.dashboard.json");

    // Recorded only by ISessionStore.MarkErrorAsync, which the sample exposes no endpoint for.
    private static readonly string[] NotReachableThroughTheSample = ["liftsys_sessions_errored_total"];

    [Test]
    public async Task Scrape_after_some_requests_has_every_metric_and_label_the_alerting_rules_use()
    {
        var rules = await File.ReadAllTextAsync(RulesFile);
        var metrics = MetricsUsedBy(rules);
        var labels = LabelsUsedBy(rules);
        await ExerciseEveryMeasuredPathAsync();

        using var anonymous = Api.CreateClient();
        using var response = await anonymous.GetAsync("/metrics");

        var scrape = await response.Content.ReadAsStringAsync();
        var exported = ExportedMetrics(scrape);
        var exportedLabels = ExportedLabels(scrape);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the scrape endpoint is anonymous");
            Assert.That(metrics, Is.SupersetOf(new[]
            {
                "liftsys_sessions_operation_errors_total",
                "liftsys_sessions_operation_duration_seconds_bucket",
                "db_client_connection_count",
                "db_client_connection_max",
                "db_client_operation_duration_seconds_bucket",
            }), "the rules watch the library's and Npgsql's metrics");
            Assert.That(metrics.Except(exported), Is.Empty, $"metrics the rules use but the sample does not export; it exports:\n{string.Join('\n', exported.Order())}");
            Assert.That(labels, Is.SupersetOf(new[] { "error_type", "operation", "db_client_connection_state", "db_client_connection_pool_name" }));
            Assert.That(labels.Except(exportedLabels), Is.Empty, $"labels the rules use but no exported metric has; exported labels:\n{string.Join('\n', exportedLabels.Order())}");
        });
    }

    [Test]
    public async Task Scrape_after_some_requests_has_every_metric_the_dashboard_plots()
    {
        var dashboard = MetricsUsedBy(await File.ReadAllTextAsync(DashboardFile));
        await ExerciseEveryMeasuredPathAsync();

        using var anonymous = Api.CreateClient();
        var exported = ExportedMetrics(await anonymous.GetStringAsync("/metrics"));

        Assert.That(dashboard, Has.Count.GreaterThan(5));
        Assert.That(dashboard.Except(exported).Except(NotReachableThroughTheSample), Is.Empty, "metrics the dashboard plots but the sample does not export");
    }

    [Test]
    public async Task Scrape_shows_the_business_counters_with_their_labels()
    {
        await ExerciseEveryMeasuredPathAsync();

        using var anonymous = Api.CreateClient();
        var scrape = await anonymous.GetStringAsync("/metrics");

        Assert.Multiple(() =>
        {
            Assert.That(scrape, Does.Match("""(?m)^liftsys_sessions_created_total\{[^}]*source="prompt"[^}]*\} [1-9]"""));
            Assert.That(scrape, Does.Match("""(?m)^liftsys_sessions_finalized_total(\{[^}]*\})? [1-9]"""));
            Assert.That(scrape, Does.Match("""(?m)^liftsys_sessions_holes_resolved_total\{[^}]*hole_type="parameter"[^}]*\} [1-9]"""));
            Assert.That(scrape, Does.Match("""(?m)^liftsys_sessions_operation_errors_total\{[^}]*error_type="SessionNotFoundException"[^}]*\} [1-9]"""));
        });
    }

    // Metric names in rules or dashboard: the library's (liftsys_sessions_…) and Npgsql's (db_client_…), once label
    // lists ("by (…)"), matchers ("{…}") and templates ("{{…}}"), which name labels, are taken out. Recording rules'
    // own names (liftsys:…) are made by the rules and not scraped.
    private static HashSet<string> MetricsUsedBy(string rules)
    {
        var withoutLabels = LabelMatchers().Replace(LabelLists().Replace(Templates().Replace(rules, " "), " "), " ");
        return [.. MetricName().Matches(withoutLabels).Select(m => m.Value)];
    }

    // Labels the rules group or match by; job and instance are added by Prometheus when it scrapes.
    private static HashSet<string> LabelsUsedBy(string rules)
    {
        var listed = LabelLists().Matches(rules)
            .SelectMany(m => m.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var matched = LabelMatchers().Matches(rules).SelectMany(m => MatchedLabel().Matches(m.Value).Select(l => l.Groups["label"].Value));
        return [.. listed.Concat(matched).Except(["job", "instance"])];
    }

    private static HashSet<string> ExportedMetrics(string scrape) =>
        [.. scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => ScrapedName().Match(l).Value)];

    private static HashSet<string> ExportedLabels(string scrape) =>
        [.. MatchedLabel().Matches(scrape).Select(l => l.Groups["label"].Value)];

    // A session's whole life (created, revised, drafted, hole resolved, finalized) and a refused operation (an error).
    private async Task ExerciseEveryMeasuredPathAsync()
    {
        using var user = NewUser();
        var sessionId = await user.Client.CreateSessionAsync();
        var revision = await (await user.Client.PostJsonAsync(
            $"/api/sessions/{sessionId}/revisions", new { Source = "initial", IrContent = new { Intent = new { Summary = "add" } } })).ExpectAsync(HttpStatusCode.Created);
        await (await user.Client.PostJsonAsync(
            $"/api/sessions/{sessionId}/drafts",
            new { Source = "initial_generation", CodeContent = "pass", SyntaxValid = true, AstValid = true, LlmTokensUsed = 12, LlmCostUsd = 0.001m })).ExpectAsync(HttpStatusCode.Created);
        await (await user.Client.PostJsonAsync(
            $"/api/sessions/{sessionId}/holes/h1/resolve",
            new { HoleType = "parameter", ResolutionMethod = "inference", ResolvedValue = "int", IrRevisionId = revision.Id("revision_id") })).ExpectAsync(HttpStatusCode.Created);
        await (await user.Client.PostAsync($"/api/sessions/{sessionId}/finalize", content: null)).ExpectAsync(HttpStatusCode.OK);
        await (await user.Client.DeleteAsync($"/api/sessions/{Guid.NewGuid()}")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [GeneratedRegex(@"\b(?:liftsys_sessions|db_client)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\{\{[^{}]*\}\}")]
    private static partial Regex Templates();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex LabelLists();

    // A selector's matchers; "{{ … }}" (an alert's template) is not one.
    [GeneratedRegex(@"(?<![{$])\{(?!\{)[^{}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*""[^""]*""")]
    private static partial Regex MatchedLabel();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex ScrapedName();
}
