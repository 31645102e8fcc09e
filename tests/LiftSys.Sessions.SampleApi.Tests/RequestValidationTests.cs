using System.Net;
using System.Text;
using LiftSys.Sessions.TestSupport.Fakers;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>Bad input is a 400 problem that names the field and the broken rule, and writes nothing.</summary>
public sealed class RequestValidationTests : SampleApiFixture
{
    private TestUser user = null!;
    private HttpClient client = null!;
    private Guid sessionId;

    [OneTimeSetUp]
    public async Task OneUserWithOneSession()
    {
        user = NewUser();
        client = user.Client;
        sessionId = await client.CreateSessionAsync();
    }

    [OneTimeTearDown]
    public void DisposeUser() => user.Dispose();

    [Test]
    public async Task Create_without_prompt_or_code_names_prompt_as_required()
    {
        using var response = await client.PostJsonAsync("/api/sessions", new { });

        await AssertBadRequestAsync(response, "prompt", "required");
    }

    [Test]
    public async Task Create_with_both_prompt_and_code_names_code()
    {
        using var response = await client.PostJsonAsync("/api/sessions", new { Prompt = "p", Code = "c" });

        await AssertBadRequestAsync(response, "code", "json_shape");
    }

    [Test]
    public async Task Create_with_a_blank_prompt_names_original_input_as_not_empty()
    {
        using var response = await client.PostJsonAsync("/api/sessions", new { Prompt = "   " });

        await AssertBadRequestAsync(response, "original_input", "not_empty");
    }

    [Test]
    public async Task Create_with_a_body_that_is_not_json_is_400_naming_the_body()
    {
        using var response = await client.PostAsync("/api/sessions", new StringContent("{ not json", Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.JsonAsync();
        Assert.That(problem["field"], Is.Not.Null);
    }

    [Test]
    public async Task Revision_whose_ir_is_not_an_object_names_ir_content()
    {
        using var response = await client.PostJsonAsync($"/api/sessions/{sessionId}/revisions", new { Source = "refinement", IrContent = new[] { 1, 2 } });

        await AssertBadRequestAsync(response, "ir_content", "json_shape");
    }

    [Test]
    public async Task Revision_without_a_source_names_source_as_required()
    {
        using var response = await client.PostJsonAsync($"/api/sessions/{sessionId}/revisions", new { IrContent = new IrDocumentFaker().Generate() });

        await AssertBadRequestAsync(response, "source", "required");
    }

    [Test]
    public async Task Revision_with_an_unknown_source_names_source()
    {
        using var response = await client.PostJsonAsync(
            $"/api/sessions/{sessionId}/revisions", new { Source = "magic", IrContent = new IrDocumentFaker().Generate() });

        await AssertBadRequestAsync(response, "source", "json_shape");
    }

    [Test]
    public async Task Draft_with_a_negative_cost_names_llm_cost_usd()
    {
        using var response = await client.PostJsonAsync(
            $"/api/sessions/{sessionId}/drafts", new { Source = "user_edit", CodeContent = "pass", LlmCostUsd = -1m });

        await AssertBadRequestAsync(response, "llm_cost_usd", "non_negative");
    }

    [Test]
    public async Task Resolution_without_a_resolved_value_names_resolved_value()
    {
        using var response = await client.PostJsonAsync(
            $"/api/sessions/{sessionId}/holes/h1/resolve", new { HoleType = "type", ResolutionMethod = "inference" });

        await AssertBadRequestAsync(response, "resolved_value", "required");
    }

    [TestCase("limit=0", "limit", "range")]
    [TestCase("limit=501", "limit", "range")]
    [TestCase("limit=ten", "limit", "range")]
    [TestCase("offset=-1", "offset", "non_negative")]
    [TestCase("status=archived", "status", "defined_value")]
    public async Task List_with_a_bad_query_value_names_it(string query, string field, string rule)
    {
        using var response = await client.GetAsync($"/api/sessions?{query}");

        await AssertBadRequestAsync(response, field, rule);
    }

    [Test]
    public async Task Rejected_writes_leave_the_session_unchanged()
    {
        using var rejected = await client.PostJsonAsync($"/api/sessions/{sessionId}/revisions", new { Source = "refinement", IrContent = "not an object" });

        var session = await (await client.GetAsync($"/api/sessions/{sessionId}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(session["revision_count"]!.GetValue<int>(), Is.Zero);
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string field, string rule)
    {
        var problem = await response.ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.Text("field"), Is.EqualTo(field));
            Assert.That(problem.Text("rule"), Is.EqualTo(rule));
            Assert.That(problem["errors"]?[field], Is.Not.Null, "the field is also in 'errors', as ASP.NET clients expect");
        });
    }
}
