using System.Text.Json;
using System.Text.Json.Nodes;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// A session's whole history as one comparable string, without the times the database owns (<c>created_at</c>,
/// <c>updated_at</c>): ids, owner, numbers and content. JSON values are compared as PostgreSQL's <c>jsonb</c> does (key
/// order and formatting do not count), and numbers by value (<c>numeric</c> gives back its own scale).
/// </summary>
internal static class HistoryFingerprint
{
    public static string Of(SessionHistory history)
    {
        var s = history.Session;
        var shape = new
        {
            s.Id,
            s.UserId,
            s.Status,
            s.Source,
            s.OriginalInput,
            CurrentIr = Canonical(s.CurrentIr),
            s.CurrentCode,
            Metadata = Canonical(s.Metadata),
            s.FinalizedAt,
            s.RevisionCount,
            s.DraftCount,
            s.HoleCount,
            Revisions = history.Revisions.Select(r => new
            {
                r.Id, r.SessionId, r.RevisionNumber, r.Source, Ir = Canonical(r.IrContent), Validation = Canonical(r.ValidationResult),
                r.ChangedFields, r.ChangeSummary, Metadata = Canonical(r.Metadata),
            }),
            Drafts = history.Drafts.Select(d => new
            {
                d.Id, d.SessionId, d.IrRevisionId, d.DraftNumber, d.Source, d.CodeContent, d.Language, d.SyntaxValid, d.AstValid,
                Errors = Canonical(d.ValidationErrors), d.GenerationTimeMs, d.ValidationTimeMs, d.LlmTokensUsed, LlmCostUsd = (double?)d.LlmCostUsd, Metadata = Canonical(d.Metadata),
            }),
            Holes = history.HoleResolutions.OrderBy(h => h.Id).Select(h => new
            {
                h.Id, h.SessionId, h.IrRevisionId, h.HoleId, h.HoleType, h.ResolutionMethod, Value = Canonical(h.ResolvedValue), ConfidenceScore = (double?)h.ConfidenceScore,
                Original = Canonical(h.OriginalHoleData), Suggestions = Canonical(h.SuggestionsProvided), h.UserFeedback, Metadata = Canonical(h.Metadata),
            }),
        };
        return JsonSerializer.Serialize(shape);
    }

    private static string? Canonical(JsonElement? value) => value is { } element ? Sort(JsonNode.Parse(element.GetRawText()))?.ToJsonString() : null;

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value?.DeepClone())))),
        JsonArray array => new JsonArray(array.Select(item => Sort(item?.DeepClone())).ToArray()),
        _ => node?.DeepClone(),
    };
}
