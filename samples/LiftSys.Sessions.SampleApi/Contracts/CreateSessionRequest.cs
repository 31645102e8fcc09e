using System.Text.Json;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>Body of <c>POST /api/sessions</c>: exactly one of <c>prompt</c> (forward mode) or <c>code</c> (reverse mode).</summary>
internal sealed record CreateSessionRequest(string? Prompt, string? Code, JsonElement? Metadata);
