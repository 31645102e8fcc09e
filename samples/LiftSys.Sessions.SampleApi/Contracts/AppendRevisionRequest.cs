using System.Text.Json;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>Body of <c>POST /api/sessions/{id}/revisions</c>; <c>source</c> and <c>ir_content</c> are required.</summary>
internal sealed record AppendRevisionRequest(
    RevisionSource? Source,
    JsonElement? IrContent,
    JsonElement? ValidationResult,
    string? ChangeSummary,
    JsonElement? Metadata);
