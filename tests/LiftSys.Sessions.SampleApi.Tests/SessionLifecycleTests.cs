using System.Net;
using System.Text.Json.Nodes;
using LiftSys.Sessions.TestSupport.Fakers;

namespace LiftSys.Sessions.SampleApi.Tests;

public sealed class SessionLifecycleTests : SampleApiFixture
{
    private readonly IrDocumentFaker irs = new();

    [Test]
    public async Task Create_revise_draft_resolve_finalize_answers_with_the_stored_rows()
    {
        using var user = NewUser();
        var client = user.Client;
        var ir = irs.Generate();

        using var createResponse = await client.PostJsonAsync("/api/sessions", new { Prompt = "Add two numbers", Metadata = new { Origin = "test" } });
        var created = await createResponse.ExpectAsync(HttpStatusCode.Created);
        var sessionId = created.Id("session_id");
        var revision = await (await client.PostJsonAsync(
            $"/api/sessions/{sessionId}/revisions",
            new { Source = "refinement", IrContent = ir, ChangeSummary = "First IR" })).ExpectAsync(HttpStatusCode.Created);
        var draft = await (await client.PostJsonAsync(
            $"/api/sessions/{sessionId}/drafts",
            new { Source = "initial_generation", CodeContent = "def add(a, b):\n    return a + b\n", IrRevisionId = revision.Id("revision_id"), SyntaxValid = true, AstValid = true, LlmTokensUsed = 120, LlmCostUsd = 0.0012m })).ExpectAsync(HttpStatusCode.Created);
        var resolution = await (await client.PostJsonAsync(
            $"/api/sessions/{sessionId}/holes/hole_function_name/resolve",
            new { HoleType = "return_value", ResolutionMethod = "user_selection", ResolvedValue = "calculate_sum", IrRevisionId = revision.Id("revision_id"), ConfidenceScore = 0.9m })).ExpectAsync(HttpStatusCode.Created);
        var finalized = await (await client.PostAsync($"/api/sessions/{sessionId}/finalize", content: null)).ExpectAsync(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(createResponse.Headers.Location?.ToString(), Is.EqualTo($"/api/sessions/{sessionId}"));
            Assert.That(created.Id("user_id"), Is.EqualTo(user.Id));
            Assert.That(created.Text("status"), Is.EqualTo("active"));
            Assert.That(created.Text("source"), Is.EqualTo("prompt"));
            Assert.That(created.Text("original_input"), Is.EqualTo("Add two numbers"));
            Assert.That(created["metadata"]!["origin"]!.GetValue<string>(), Is.EqualTo("test"));

            Assert.That(revision["revision_number"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(revision.Text("source"), Is.EqualTo("refinement"));
            Assert.That(JsonNode.DeepEquals(revision["ir_content"], JsonNode.Parse(ir.GetRawText())), Is.True);

            Assert.That(draft["draft_number"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(draft.Text("source"), Is.EqualTo("initial_generation"));
            Assert.That(draft.Id("ir_revision_id"), Is.EqualTo(revision.Id("revision_id")));
            Assert.That(draft.Text("language"), Is.EqualTo("python"));

            Assert.That(resolution.Text("hole_id"), Is.EqualTo("hole_function_name"));
            Assert.That(resolution.Text("hole_type"), Is.EqualTo("return_value"));
            Assert.That(resolution.Text("resolved_value"), Is.EqualTo("calculate_sum"));

            Assert.That(finalized.Text("status"), Is.EqualTo("finalized"));
            Assert.That(finalized["finalized_at"]?.GetValue<DateTimeOffset>(), Is.Not.Null);
            Assert.That(finalized["revision_count"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(finalized["draft_count"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(finalized["hole_count"]!.GetValue<int>(), Is.EqualTo(1));
        });

        var snapshot = await (await client.GetAsync($"/api/sessions/{sessionId}")).ExpectAsync(HttpStatusCode.OK);
        var timeline = await (await client.GetAsync($"/api/sessions/{sessionId}/timeline")).ExpectAsync(HttpStatusCode.OK);
        var analytics = await (await client.GetAsync("/api/analytics/me")).ExpectAsync(HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Id("session_id"), Is.EqualTo(sessionId));
            Assert.That(snapshot.Text("status"), Is.EqualTo("finalized"));
            Assert.That(snapshot.Text("current_code"), Is.EqualTo("def add(a, b):\n    return a + b\n"));
            Assert.That(JsonNode.DeepEquals(snapshot["current_ir"], JsonNode.Parse(ir.GetRawText())), Is.True);
            Assert.That(snapshot["latest_revision"]!.Id("revision_id"), Is.EqualTo(revision.Id("revision_id")));
            Assert.That(snapshot["latest_draft"]!.Id("draft_id"), Is.EqualTo(draft.Id("draft_id")));

            Assert.That(
                timeline["events"]!.AsArray().Select(e => e!.Text("event_type")),
                Is.EqualTo(new[] { "session_created", "revision_created", "draft_created", "hole_resolved" }));

            Assert.That(analytics["total_sessions"]!.GetValue<long>(), Is.EqualTo(1));
            Assert.That(analytics["finalized_sessions"]!.GetValue<long>(), Is.EqualTo(1));
            Assert.That(analytics["total_llm_tokens_used"]!.GetValue<long>(), Is.EqualTo(120));
            Assert.That(analytics["total_llm_cost_usd"]!.GetValue<decimal>(), Is.EqualTo(0.0012m));
        });
    }

    [Test]
    public async Task Create_from_code_starts_a_reverse_mode_session()
    {
        using var user = NewUser();
        var client = user.Client;

        var created = await (await client.PostJsonAsync("/api/sessions", new { Code = "def f(): pass" })).ExpectAsync(HttpStatusCode.Created);

        Assert.That(created.Text("source"), Is.EqualTo("code"));
    }

    [Test]
    public async Task Finalized_session_refuses_a_new_revision_and_a_second_finalize_with_409()
    {
        using var user = NewUser();
        var client = user.Client;
        var sessionId = await client.CreateSessionAsync();
        await (await client.PostAsync($"/api/sessions/{sessionId}/finalize", content: null)).ExpectAsync(HttpStatusCode.OK);

        var revision = await (await client.PostJsonAsync(
            $"/api/sessions/{sessionId}/revisions", new { Source = "refinement", IrContent = irs.Generate() })).ExpectAsync(HttpStatusCode.Conflict);
        var again = await (await client.PostAsync($"/api/sessions/{sessionId}/finalize", content: null)).ExpectAsync(HttpStatusCode.Conflict);

        Assert.Multiple(() =>
        {
            Assert.That(revision.Text("field"), Is.EqualTo("status"));
            Assert.That(revision.Text("rule"), Is.EqualTo("status_transition"));
            Assert.That(again.Text("rule"), Is.EqualTo("status_transition"));
        });
    }

    [Test]
    public async Task Resolving_the_same_hole_twice_in_one_revision_is_409()
    {
        using var user = NewUser();
        var client = user.Client;
        var sessionId = await client.CreateSessionAsync();
        var revision = await (await client.PostJsonAsync(
            $"/api/sessions/{sessionId}/revisions", new { Source = "initial", IrContent = irs.Generate() })).ExpectAsync(HttpStatusCode.Created);
        var body = new { HoleType = "type", ResolutionMethod = "inference", ResolvedValue = "int", IrRevisionId = revision.Id("revision_id") };
        await (await client.PostJsonAsync($"/api/sessions/{sessionId}/holes/h1/resolve", body)).ExpectAsync(HttpStatusCode.Created);

        using var second = await client.PostJsonAsync($"/api/sessions/{sessionId}/holes/h1/resolve", body);

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Draft_naming_a_revision_of_another_session_is_404_naming_ir_revision_id()
    {
        using var user = NewUser();
        var client = user.Client;
        var first = await client.CreateSessionAsync("first");
        var second = await client.CreateSessionAsync("second");
        var revision = await (await client.PostJsonAsync(
            $"/api/sessions/{first}/revisions", new { Source = "initial", IrContent = irs.Generate() })).ExpectAsync(HttpStatusCode.Created);

        using var response = await client.PostJsonAsync(
            $"/api/sessions/{second}/drafts", new { Source = "user_edit", CodeContent = "pass", IrRevisionId = revision.Id("revision_id") });

        var problem = await response.ExpectAsync(HttpStatusCode.NotFound);
        Assert.Multiple(() =>
        {
            Assert.That(problem.Text("title"), Is.EqualTo("IR revision not found"));
            Assert.That(problem.Text("field"), Is.EqualTo("ir_revision_id"));
        });
    }

    [Test]
    public async Task Delete_answers_204_and_the_session_is_gone()
    {
        using var user = NewUser();
        var client = user.Client;
        var sessionId = await client.CreateSessionAsync();

        using var delete = await client.DeleteAsync($"/api/sessions/{sessionId}");
        using var get = await client.GetAsync($"/api/sessions/{sessionId}");

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task List_pages_with_offset_and_limit_and_filters_by_status()
    {
        using var user = NewUser();
        var client = user.Client;
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await client.CreateSessionAsync($"prompt {i}"));
        }

        await (await client.PostAsync($"/api/sessions/{ids[0]}/finalize", content: null)).ExpectAsync(HttpStatusCode.OK);

        var first = await (await client.GetAsync("/api/sessions?limit=1")).ExpectAsync(HttpStatusCode.OK);
        var second = await (await client.GetAsync("/api/sessions?offset=1&limit=1")).ExpectAsync(HttpStatusCode.OK);
        var finalized = await (await client.GetAsync("/api/sessions?status=finalized")).ExpectAsync(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            // Most recently updated first: the two active sessions, newest first.
            Assert.That(first["items"]!.AsArray().Select(s => s!.Id("session_id")), Is.EqualTo(new[] { ids[2] }));
            Assert.That(first["has_more"]!.GetValue<bool>(), Is.True);
            Assert.That(first["next_offset"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(second["items"]!.AsArray().Select(s => s!.Id("session_id")), Is.EqualTo(new[] { ids[1] }));
            Assert.That(second["has_more"]!.GetValue<bool>(), Is.False);
            Assert.That(second["next_offset"], Is.Null);
            Assert.That(finalized["items"]!.AsArray().Select(s => s!.Id("session_id")), Is.EqualTo(new[] { ids[0] }));
        });
    }
}
