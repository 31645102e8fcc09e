using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>Sends and reads the API's snake_case JSON.</summary>
public static class SampleApiHttpExtensions
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string uri, object body) =>
        client.PostAsync(uri, JsonContent.Create(body, body.GetType(), options: Json));

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"The response body is JSON null: {text}");
    }

    /// <summary>Reads the body after checking the status, so a failure shows what the API said.</summary>
    public static async Task<JsonNode> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"The response body is JSON null: {text}");
    }

    public static async Task<Guid> CreateSessionAsync(this HttpClient client, string prompt = "Write a function that adds two numbers")
    {
        var created = await (await client.PostJsonAsync("/api/sessions", new { Prompt = prompt })).ExpectAsync(HttpStatusCode.Created);
        return created["session_id"]!.GetValue<Guid>();
    }

    public static Guid Id(this JsonNode node, string property) => node[property]!.GetValue<Guid>();

    public static string Text(this JsonNode node, string property) => node[property]!.GetValue<string>();
}
