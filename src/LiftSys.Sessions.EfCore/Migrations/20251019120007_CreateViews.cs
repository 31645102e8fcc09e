using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>
    /// Migration 007 of schema v1: the analytics views <c>session_summary</c>, <c>user_analytics</c>,
    /// <c>recent_activity</c> and <c>draft_validation_stats</c>, read through the keyless read models in
    /// <c>LiftSys.Sessions.EfCore.ReadModels</c> (whose XML docs state what each column means).
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>security_invoker.</b> A PostgreSQL view reads its tables with its owner's rights, and the owner of these tables
    /// is not subject to row-level security, so a plain view would show every user's rows to every user (Supabase's
    /// linter rates that an error, rule 0010). <c>WITH (security_invoker = true)</c> (PostgreSQL 15) makes the view read
    /// with the rights of the querying role instead: <c>authenticated</c> sees only what its policies allow,
    /// <c>service_role</c> (BYPASSRLS) sees everything, and a role without SELECT on the tables gets nothing.
    /// </para>
    /// <para>
    /// <b>Shape.</b> Per-session aggregates are LATERAL sub-queries keyed by <c>session_id</c>, so a filter on
    /// <c>user_id</c> or <c>session_id</c> reaches the tables' indexes instead of aggregating every row first. Sums are
    /// 0 when there is nothing to add; averages, percentages and "latest" values are NULL when there is nothing to
    /// average or no row to take them from. Percentages and per-draft and per-session averages are numeric rounded to 2
    /// decimals; averages of durations to 6 (microseconds, the resolution of timestamptz); durations are exact numeric
    /// seconds.
    /// </para>
    /// <para>
    /// Every statement runs both directly and inside the PL/pgSQL <c>DO</c> block of an idempotent script.
    /// </para>
    /// </remarks>
    public partial class CreateViews : Migration
    {
        private const string Views = "session_summary, user_analytics, recent_activity, draft_validation_stats";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The session's own columns without its content (original_input, current_ir, current_code, metadata): a
            // dashboard lists many sessions, and each of those values may be up to 1 MiB.
            migrationBuilder.Sql("""
                CREATE VIEW session_summary WITH (security_invoker = true) AS
                SELECT
                    s.id,
                    s.user_id,
                    s.status,
                    s.source,
                    s.revision_count,
                    s.draft_count,
                    s.hole_count,
                    s.created_at,
                    s.updated_at,
                    s.finalized_at,
                    latest_revision.revision_number AS latest_revision_number,
                    latest_draft.draft_number AS latest_draft_number,
                    latest_draft.syntax_valid AND latest_draft.ast_valid AS latest_draft_valid,
                    drafts.total_generation_time_ms,
                    drafts.total_llm_cost_usd,
                    drafts.total_llm_tokens_used,
                    EXTRACT(EPOCH FROM s.updated_at - s.created_at) AS session_duration_seconds,
                    EXTRACT(EPOCH FROM s.finalized_at - s.created_at) AS time_to_finalization_seconds
                FROM sessions s
                CROSS JOIN LATERAL (
                    SELECT max(r.revision_number) AS revision_number
                    FROM session_revisions r
                    WHERE r.session_id = s.id
                ) latest_revision
                LEFT JOIN LATERAL (
                    SELECT d.draft_number, d.syntax_valid, d.ast_valid
                    FROM session_drafts d
                    WHERE d.session_id = s.id
                    ORDER BY d.draft_number DESC
                    LIMIT 1
                ) latest_draft ON true
                CROSS JOIN LATERAL (
                    SELECT
                        coalesce(sum(d.generation_time_ms), 0) AS total_generation_time_ms,
                        coalesce(sum(d.llm_cost_usd), 0) AS total_llm_cost_usd,
                        coalesce(sum(d.llm_tokens_used), 0) AS total_llm_tokens_used
                    FROM session_drafts d
                    WHERE d.session_id = s.id
                ) drafts;
                """);

            // Revisions and drafts are summed from the session counters the triggers of migration 006 keep exact. The
            // token total is cast back to bigint: PostgreSQL sums bigints (the per-session sums) as numeric.
            migrationBuilder.Sql("""
                CREATE VIEW user_analytics WITH (security_invoker = true) AS
                SELECT
                    s.user_id,
                    count(*) AS total_sessions,
                    count(*) FILTER (WHERE s.status = 'finalized') AS finalized_sessions,
                    count(*) FILTER (WHERE s.status = 'active') AS active_sessions,
                    count(*) FILTER (WHERE s.status = 'paused') AS paused_sessions,
                    count(*) FILTER (WHERE s.status = 'error') AS error_sessions,
                    sum(s.revision_count) AS total_revisions,
                    sum(s.draft_count) AS total_drafts,
                    round(avg(s.revision_count), 2) AS avg_revisions_per_session,
                    round(avg(s.draft_count), 2) AS avg_drafts_per_session,
                    min(s.created_at) AS first_session_at,
                    max(s.created_at) AS last_session_at,
                    coalesce(sum(drafts.llm_cost_usd), 0) AS total_llm_cost_usd,
                    coalesce(sum(drafts.llm_tokens_used), 0)::bigint AS total_llm_tokens_used,
                    round(avg(EXTRACT(EPOCH FROM s.finalized_at - s.created_at)), 6) AS avg_time_to_finalization_seconds
                FROM sessions s
                CROSS JOIN LATERAL (
                    SELECT sum(d.llm_cost_usd) AS llm_cost_usd, sum(d.llm_tokens_used) AS llm_tokens_used
                    FROM session_drafts d
                    WHERE d.session_id = s.id
                ) drafts
                GROUP BY s.user_id;
                """);

            // One row per created row of any table. revision_id is the revision itself for revision_created and the IR
            // revision a draft or resolution was made from (if any) for the others.
            migrationBuilder.Sql("""
                CREATE VIEW recent_activity WITH (security_invoker = true) AS
                SELECT
                    'session_created'::text AS event_type,
                    s.id AS session_id,
                    s.user_id,
                    NULL::uuid AS revision_id,
                    NULL::uuid AS draft_id,
                    NULL::uuid AS resolution_id,
                    s.created_at AS event_time,
                    jsonb_build_object('source', s.source) AS event_data
                FROM sessions s
                UNION ALL
                SELECT
                    'revision_created',
                    r.session_id,
                    s.user_id,
                    r.id,
                    NULL,
                    NULL,
                    r.created_at,
                    jsonb_build_object('revision_number', r.revision_number, 'source', r.source, 'changed_fields', r.changed_fields)
                FROM session_revisions r
                JOIN sessions s ON s.id = r.session_id
                UNION ALL
                SELECT
                    'draft_created',
                    d.session_id,
                    s.user_id,
                    d.ir_revision_id,
                    d.id,
                    NULL,
                    d.created_at,
                    jsonb_build_object('draft_number', d.draft_number, 'source', d.source, 'language', d.language,
                                       'syntax_valid', d.syntax_valid, 'ast_valid', d.ast_valid)
                FROM session_drafts d
                JOIN sessions s ON s.id = d.session_id
                UNION ALL
                SELECT
                    'hole_resolved',
                    h.session_id,
                    s.user_id,
                    h.ir_revision_id,
                    NULL,
                    h.id,
                    h.created_at,
                    jsonb_build_object('hole_id', h.hole_id, 'hole_type', h.hole_type, 'resolution_method', h.resolution_method,
                                       'confidence_score', h.confidence_score)
                FROM hole_resolutions h
                JOIN sessions s ON s.id = h.session_id;
                """);

            // Every session has a row, one without drafts too: its counts are 0 and its percentages and averages NULL,
            // so AVG(fully_valid_percent) over a user's rows averages the sessions that have drafts.
            migrationBuilder.Sql("""
                CREATE VIEW draft_validation_stats WITH (security_invoker = true) AS
                SELECT
                    s.id AS session_id,
                    s.user_id,
                    d.total_drafts,
                    d.syntax_valid_count,
                    d.ast_valid_count,
                    d.fully_valid_count,
                    round(100.0 * d.syntax_valid_count / nullif(d.total_drafts, 0), 2) AS syntax_valid_percent,
                    round(100.0 * d.ast_valid_count / nullif(d.total_drafts, 0), 2) AS ast_valid_percent,
                    round(100.0 * d.fully_valid_count / nullif(d.total_drafts, 0), 2) AS fully_valid_percent,
                    round(d.avg_generation_time_ms, 2) AS avg_generation_time_ms,
                    round(d.avg_validation_time_ms, 2) AS avg_validation_time_ms,
                    d.total_llm_cost_usd
                FROM sessions s
                CROSS JOIN LATERAL (
                    SELECT
                        count(*) AS total_drafts,
                        count(*) FILTER (WHERE x.syntax_valid) AS syntax_valid_count,
                        count(*) FILTER (WHERE x.ast_valid) AS ast_valid_count,
                        count(*) FILTER (WHERE x.syntax_valid AND x.ast_valid) AS fully_valid_count,
                        avg(x.generation_time_ms) AS avg_generation_time_ms,
                        avg(x.validation_time_ms) AS avg_validation_time_ms,
                        coalesce(sum(x.llm_cost_usd), 0) AS total_llm_cost_usd
                    FROM session_drafts x
                    WHERE x.session_id = s.id
                ) d;
                """);

            // Supabase's default privileges hand new relations in public to anon as well; anon gets nothing here.
            migrationBuilder.Sql($"""
                COMMENT ON VIEW session_summary IS 'liftsys-sessions: per-session metrics for dashboards (security_invoker)';
                COMMENT ON VIEW user_analytics IS 'liftsys-sessions: per-user usage totals (security_invoker)';
                COMMENT ON VIEW recent_activity IS 'liftsys-sessions: activity feed of every session event (security_invoker)';
                COMMENT ON VIEW draft_validation_stats IS 'liftsys-sessions: per-session draft validation rates (security_invoker)';
                REVOKE ALL ON TABLE {Views} FROM PUBLIC, anon, authenticated, service_role;
                GRANT SELECT ON TABLE {Views} TO authenticated, service_role;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP VIEW IF EXISTS {Views};");
        }
    }
}
