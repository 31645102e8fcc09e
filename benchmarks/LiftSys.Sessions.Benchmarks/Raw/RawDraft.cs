using System.Text.Json;

namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>A <c>session_drafts</c> row: every column, typed.</summary>
internal sealed record RawDraft(
    Guid Id, Guid SessionId, Guid? IrRevisionId, int DraftNumber, DraftSource Source, string CodeContent, string Language,
    bool SyntaxValid, bool AstValid, JsonElement? ValidationErrors, int? GenerationTimeMs, int? ValidationTimeMs, int? LlmTokensUsed,
    decimal? LlmCostUsd, JsonElement? Metadata, DateTimeOffset CreatedAt);
