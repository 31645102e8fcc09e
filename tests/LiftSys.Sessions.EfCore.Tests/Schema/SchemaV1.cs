namespace LiftSys.Sessions.EfCore.Tests.Schema;

/// <summary>
/// Schema v1 as PostgreSQL reports it back (format_type, pg_get_expr, pg_get_indexdef, pg_get_constraintdef), written
/// out by hand from shared/spec/schema-v1.md so that the migrations are checked against the spec, not against
/// themselves.
/// </summary>
internal static class SchemaV1
{
    public static readonly string[] Tables = ["sessions", "session_revisions", "session_drafts", "hole_resolutions"];

    /// <summary>table, column, type, NOT NULL, default — in the spec's column order.</summary>
    public static readonly (string Table, string Column, string Type, bool NotNull, string? Default)[] Columns =
    [
        ("sessions", "id", "uuid", true, "gen_random_uuid()"),
        ("sessions", "user_id", "uuid", true, null),
        ("sessions", "status", "text", true, "'active'::text"),
        ("sessions", "source", "text", true, "'prompt'::text"),
        ("sessions", "original_input", "text", true, null),
        ("sessions", "current_ir", "jsonb", false, null),
        ("sessions", "current_code", "text", false, null),
        ("sessions", "revision_count", "integer", true, "0"),
        ("sessions", "draft_count", "integer", true, "0"),
        ("sessions", "hole_count", "integer", true, "0"),
        ("sessions", "metadata", "jsonb", false, "'{}'::jsonb"),
        ("sessions", "created_at", "timestamp with time zone", true, "now()"),
        ("sessions", "updated_at", "timestamp with time zone", true, "now()"),
        ("sessions", "finalized_at", "timestamp with time zone", false, null),

        ("session_revisions", "id", "uuid", true, "gen_random_uuid()"),
        ("session_revisions", "session_id", "uuid", true, null),
        ("session_revisions", "revision_number", "integer", true, null),
        ("session_revisions", "source", "text", true, null),
        ("session_revisions", "ir_content", "jsonb", true, null),
        ("session_revisions", "validation_result", "jsonb", false, null),
        ("session_revisions", "changed_fields", "text[]", false, "ARRAY[]::text[]"),
        ("session_revisions", "change_summary", "text", false, null),
        ("session_revisions", "metadata", "jsonb", false, "'{}'::jsonb"),
        ("session_revisions", "created_at", "timestamp with time zone", true, "now()"),

        ("session_drafts", "id", "uuid", true, "gen_random_uuid()"),
        ("session_drafts", "session_id", "uuid", true, null),
        ("session_drafts", "ir_revision_id", "uuid", false, null),
        ("session_drafts", "draft_number", "integer", true, null),
        ("session_drafts", "source", "text", true, null),
        ("session_drafts", "code_content", "text", true, null),
        ("session_drafts", "language", "text", true, "'python'::text"),
        ("session_drafts", "syntax_valid", "boolean", true, "false"),
        ("session_drafts", "ast_valid", "boolean", true, "false"),
        ("session_drafts", "validation_errors", "jsonb", false, "'[]'::jsonb"),
        ("session_drafts", "generation_time_ms", "integer", false, null),
        ("session_drafts", "validation_time_ms", "integer", false, null),
        ("session_drafts", "llm_tokens_used", "integer", false, null),
        ("session_drafts", "llm_cost_usd", "numeric(10,6)", false, null),
        ("session_drafts", "metadata", "jsonb", false, "'{}'::jsonb"),
        ("session_drafts", "created_at", "timestamp with time zone", true, "now()"),

        ("hole_resolutions", "id", "uuid", true, "gen_random_uuid()"),
        ("hole_resolutions", "session_id", "uuid", true, null),
        ("hole_resolutions", "ir_revision_id", "uuid", false, null),
        ("hole_resolutions", "hole_id", "text", true, null),
        ("hole_resolutions", "hole_type", "text", true, null),
        ("hole_resolutions", "resolution_method", "text", true, null),
        ("hole_resolutions", "resolved_value", "jsonb", true, null),
        ("hole_resolutions", "confidence_score", "numeric(3,2)", false, null),
        ("hole_resolutions", "original_hole_data", "jsonb", false, null),
        ("hole_resolutions", "suggestions_provided", "jsonb", false, "'[]'::jsonb"),
        ("hole_resolutions", "user_feedback", "text", false, null),
        ("hole_resolutions", "metadata", "jsonb", false, "'{}'::jsonb"),
        ("hole_resolutions", "created_at", "timestamp with time zone", true, "now()"),
    ];

    /// <summary>Every named index of the spec, as pg_get_indexdef prints it (access method and column order included).</summary>
    public static readonly (string Name, string Definition)[] Indexes =
    [
        ("idx_sessions_user_id", "CREATE INDEX idx_sessions_user_id ON public.sessions USING btree (user_id)"),
        ("idx_sessions_status", "CREATE INDEX idx_sessions_status ON public.sessions USING btree (status)"),
        ("idx_sessions_created_at", "CREATE INDEX idx_sessions_created_at ON public.sessions USING btree (created_at DESC)"),
        ("idx_sessions_user_status", "CREATE INDEX idx_sessions_user_status ON public.sessions USING btree (user_id, status)"),
        ("idx_sessions_current_ir", "CREATE INDEX idx_sessions_current_ir ON public.sessions USING gin (current_ir)"),
        ("idx_sessions_metadata", "CREATE INDEX idx_sessions_metadata ON public.sessions USING gin (metadata)"),

        ("idx_revisions_session_id", "CREATE INDEX idx_revisions_session_id ON public.session_revisions USING btree (session_id)"),
        ("idx_revisions_session_revision",
            "CREATE INDEX idx_revisions_session_revision ON public.session_revisions USING btree (session_id, revision_number DESC)"),
        ("idx_revisions_created_at", "CREATE INDEX idx_revisions_created_at ON public.session_revisions USING btree (created_at DESC)"),
        ("idx_revisions_source", "CREATE INDEX idx_revisions_source ON public.session_revisions USING btree (source)"),
        ("idx_revisions_ir_content", "CREATE INDEX idx_revisions_ir_content ON public.session_revisions USING gin (ir_content)"),
        ("idx_revisions_metadata", "CREATE INDEX idx_revisions_metadata ON public.session_revisions USING gin (metadata)"),

        ("idx_drafts_session_id", "CREATE INDEX idx_drafts_session_id ON public.session_drafts USING btree (session_id)"),
        ("idx_drafts_session_draft",
            "CREATE INDEX idx_drafts_session_draft ON public.session_drafts USING btree (session_id, draft_number DESC)"),
        ("idx_drafts_ir_revision_id", "CREATE INDEX idx_drafts_ir_revision_id ON public.session_drafts USING btree (ir_revision_id)"),
        ("idx_drafts_created_at", "CREATE INDEX idx_drafts_created_at ON public.session_drafts USING btree (created_at DESC)"),
        ("idx_drafts_source", "CREATE INDEX idx_drafts_source ON public.session_drafts USING btree (source)"),
        ("idx_drafts_valid", "CREATE INDEX idx_drafts_valid ON public.session_drafts USING btree (syntax_valid, ast_valid)"),
        ("idx_drafts_validation_errors",
            "CREATE INDEX idx_drafts_validation_errors ON public.session_drafts USING gin (validation_errors)"),
        ("idx_drafts_metadata", "CREATE INDEX idx_drafts_metadata ON public.session_drafts USING gin (metadata)"),

        // Beyond the spec's list (migration 008): covers session_drafts_ir_revision_same_session_fkey.
        ("idx_drafts_session_ir_revision",
            "CREATE INDEX idx_drafts_session_ir_revision ON public.session_drafts USING btree (session_id, ir_revision_id)"),

        ("idx_resolutions_session_id", "CREATE INDEX idx_resolutions_session_id ON public.hole_resolutions USING btree (session_id)"),
        ("idx_resolutions_ir_revision_id",
            "CREATE INDEX idx_resolutions_ir_revision_id ON public.hole_resolutions USING btree (ir_revision_id)"),
        ("idx_resolutions_hole_type", "CREATE INDEX idx_resolutions_hole_type ON public.hole_resolutions USING btree (hole_type)"),
        ("idx_resolutions_resolution_method",
            "CREATE INDEX idx_resolutions_resolution_method ON public.hole_resolutions USING btree (resolution_method)"),
        ("idx_resolutions_created_at", "CREATE INDEX idx_resolutions_created_at ON public.hole_resolutions USING btree (created_at DESC)"),
        ("idx_resolutions_resolved_value",
            "CREATE INDEX idx_resolutions_resolved_value ON public.hole_resolutions USING gin (resolved_value)"),
        ("idx_resolutions_original_data",
            "CREATE INDEX idx_resolutions_original_data ON public.hole_resolutions USING gin (original_hole_data)"),
        ("idx_resolutions_suggestions",
            "CREATE INDEX idx_resolutions_suggestions ON public.hole_resolutions USING gin (suggestions_provided)"),
        ("idx_resolutions_metadata", "CREATE INDEX idx_resolutions_metadata ON public.hole_resolutions USING gin (metadata)"),
    ];

    /// <summary>Primary keys, UNIQUE constraints and foreign keys, as pg_get_constraintdef prints them.</summary>
    public static readonly (string Table, string Name, string Definition)[] KeysAndReferences =
    [
        ("sessions", "sessions_pkey", "PRIMARY KEY (id)"),
        ("session_revisions", "session_revisions_pkey", "PRIMARY KEY (id)"),
        ("session_revisions", "session_revisions_session_id_revision_number_key", "UNIQUE (session_id, revision_number)"),
        ("session_revisions", "session_revisions_session_id_fkey",
            "FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE"),
        ("session_drafts", "session_drafts_pkey", "PRIMARY KEY (id)"),
        ("session_drafts", "session_drafts_session_id_draft_number_key", "UNIQUE (session_id, draft_number)"),
        ("session_drafts", "session_drafts_session_id_fkey", "FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE"),
        ("hole_resolutions", "hole_resolutions_pkey", "PRIMARY KEY (id)"),
        ("hole_resolutions", "hole_resolutions_session_id_ir_revision_id_hole_id_key", "UNIQUE (session_id, ir_revision_id, hole_id)"),
        ("hole_resolutions", "hole_resolutions_session_id_fkey", "FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE"),

        // In place of the spec's plain keys on ir_revision_id (migration 005 added these, 008 dropped the plain ones): a
        // draft's or resolution's IR revision must belong to its own session, and "not yours" and "does not exist" fail
        // alike, on one constraint (foreign keys are checked without row-level security).
        ("session_revisions", "session_revisions_session_id_id_key", "UNIQUE (session_id, id)"),
        ("session_drafts", "session_drafts_ir_revision_same_session_fkey",
            "FOREIGN KEY (session_id, ir_revision_id) REFERENCES session_revisions(session_id, id) ON DELETE SET NULL (ir_revision_id)"),
        ("hole_resolutions", "hole_resolutions_ir_revision_same_session_fkey",
            "FOREIGN KEY (session_id, ir_revision_id) REFERENCES session_revisions(session_id, id) ON DELETE SET NULL (ir_revision_id)"),
    ];

    /// <summary>The CHECK constraints: table, column, allowed values (null for non-list checks).</summary>
    public static readonly (string Table, string Column, string[] Allowed)[] ValueLists =
    [
        ("sessions", "status", ["active", "paused", "finalized", "error"]),
        ("sessions", "source", ["prompt", "code"]),
        ("session_revisions", "source", ["initial", "refinement", "repair", "user_edit"]),
        ("session_drafts", "source", ["initial_generation", "ast_repair", "llm_regeneration", "user_edit"]),
        ("hole_resolutions", "hole_type", ["type", "parameter", "return_value", "validation", "entity", "constraint", "other"]),
        ("hole_resolutions", "resolution_method", ["user_selection", "ai_suggestion", "inference", "default"]),
    ];
}
