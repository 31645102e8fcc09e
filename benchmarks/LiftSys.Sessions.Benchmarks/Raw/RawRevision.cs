using System.Text.Json;

namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>A <c>session_revisions</c> row: every column, typed.</summary>
internal sealed record RawRevision(
    Guid Id, Guid SessionId, int RevisionNumber, RevisionSource Source, JsonElement IrContent, JsonElement? ValidationResult,
    string[]? ChangedFields, string? ChangeSummary, JsonElement? Metadata, DateTimeOffset CreatedAt);
