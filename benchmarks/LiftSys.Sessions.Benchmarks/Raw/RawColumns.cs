using System.Text.Json;
using Npgsql;

namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>The column lists the raw baseline selects, and readers for them starting at a given ordinal.</summary>
internal static class RawColumns
{
    public const string Session = "id, user_id, status, source, original_input, current_ir, current_code, revision_count, draft_count, hole_count, metadata, created_at, updated_at, finalized_at";

    public const string Revision = "id, session_id, revision_number, source, ir_content, validation_result, changed_fields, change_summary, metadata, created_at";

    public const string Draft = "id, session_id, ir_revision_id, draft_number, source, code_content, language, syntax_valid, ast_valid, validation_errors, generation_time_ms, validation_time_ms, llm_tokens_used, llm_cost_usd, metadata, created_at";

    public const string SessionSelect = "s.id, s.user_id, s.status, s.source, s.original_input, s.current_ir, s.current_code, s.revision_count, s.draft_count, s.hole_count, s.metadata, s.created_at, s.updated_at, s.finalized_at";

    public const string RevisionSelect = "r.id, r.session_id, r.revision_number, r.source, r.ir_content, r.validation_result, r.changed_fields, r.change_summary, r.metadata, r.created_at";

    public const string DraftSelect = "d.id, d.session_id, d.ir_revision_id, d.draft_number, d.source, d.code_content, d.language, d.syntax_valid, d.ast_valid, d.validation_errors, d.generation_time_ms, d.validation_time_ms, d.llm_tokens_used, d.llm_cost_usd, d.metadata, d.created_at";

    public const int SessionCount = 14;

    public const int RevisionCount = 10;

    public static RawSession ReadSession(NpgsqlDataReader r, int o = 0) => new(
        r.GetGuid(o),
        r.GetGuid(o + 1),
        SessionEnumText.Parse<SessionStatus>(r.GetString(o + 2)),
        SessionEnumText.Parse<SessionSource>(r.GetString(o + 3)),
        r.GetString(o + 4),
        Json(r, o + 5),
        r.IsDBNull(o + 6) ? null : r.GetString(o + 6),
        r.GetInt32(o + 7),
        r.GetInt32(o + 8),
        r.GetInt32(o + 9),
        Json(r, o + 10),
        r.GetFieldValue<DateTimeOffset>(o + 11),
        r.GetFieldValue<DateTimeOffset>(o + 12),
        r.IsDBNull(o + 13) ? null : r.GetFieldValue<DateTimeOffset>(o + 13));

    public static RawRevision? ReadRevision(NpgsqlDataReader r, int o) => r.IsDBNull(o) ? null : new(
        r.GetGuid(o),
        r.GetGuid(o + 1),
        r.GetInt32(o + 2),
        SessionEnumText.Parse<RevisionSource>(r.GetString(o + 3)),
        r.GetFieldValue<JsonElement>(o + 4),
        Json(r, o + 5),
        r.IsDBNull(o + 6) ? null : r.GetFieldValue<string[]>(o + 6),
        r.IsDBNull(o + 7) ? null : r.GetString(o + 7),
        Json(r, o + 8),
        r.GetFieldValue<DateTimeOffset>(o + 9));

    public static RawDraft? ReadDraft(NpgsqlDataReader r, int o) => r.IsDBNull(o) ? null : new(
        r.GetGuid(o),
        r.GetGuid(o + 1),
        r.IsDBNull(o + 2) ? null : r.GetGuid(o + 2),
        r.GetInt32(o + 3),
        SessionEnumText.Parse<DraftSource>(r.GetString(o + 4)),
        r.GetString(o + 5),
        r.GetString(o + 6),
        r.GetBoolean(o + 7),
        r.GetBoolean(o + 8),
        Json(r, o + 9),
        NullableInt(r, o + 10),
        NullableInt(r, o + 11),
        NullableInt(r, o + 12),
        r.IsDBNull(o + 13) ? null : r.GetDecimal(o + 13),
        Json(r, o + 14),
        r.GetFieldValue<DateTimeOffset>(o + 15));

    public static JsonElement? Json(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetFieldValue<JsonElement>(ordinal);

    public static int? NullableInt(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetInt32(ordinal);

    public static long? NullableLong(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetInt64(ordinal);

    public static decimal? NullableDecimal(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetDecimal(ordinal);
}
