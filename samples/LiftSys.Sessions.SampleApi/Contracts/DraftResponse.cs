using System.Text.Json;

namespace LiftSys.Sessions.SampleApi.Contracts;

/// <summary>A row of <c>session_drafts</c>.</summary>
internal sealed record DraftResponse(
    Guid DraftId,
    Guid SessionId,
    Guid? IrRevisionId,
    int DraftNumber,
    DraftSource Source,
    string CodeContent,
    string Language,
    bool SyntaxValid,
    bool AstValid,
    JsonElement? ValidationErrors,
    int? GenerationTimeMs,
    int? ValidationTimeMs,
    int? LlmTokensUsed,
    decimal? LlmCostUsd,
    JsonElement? Metadata,
    DateTimeOffset CreatedAt)
{
    public static DraftResponse From(SessionDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return new(
            draft.Id,
            draft.SessionId,
            draft.IrRevisionId,
            draft.DraftNumber,
            draft.Source,
            draft.CodeContent,
            draft.Language,
            draft.SyntaxValid,
            draft.AstValid,
            draft.ValidationErrors,
            draft.GenerationTimeMs,
            draft.ValidationTimeMs,
            draft.LlmTokensUsed,
            draft.LlmCostUsd,
            draft.Metadata,
            draft.CreatedAt);
    }
}
