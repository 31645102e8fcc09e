using System.Text.Json;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>Body of <c>POST /api/sessions/{id}/drafts</c>; <c>source</c> and <c>code_content</c> are required.</summary>
internal sealed record AddDraftRequest(
    DraftSource? Source,
    string? CodeContent,
    Guid? IrRevisionId,
    string? Language,
    bool? SyntaxValid,
    bool? AstValid,
    JsonElement? ValidationErrors,
    int? GenerationTimeMs,
    int? ValidationTimeMs,
    int? LlmTokensUsed,
    decimal? LlmCostUsd,
    JsonElement? Metadata);
