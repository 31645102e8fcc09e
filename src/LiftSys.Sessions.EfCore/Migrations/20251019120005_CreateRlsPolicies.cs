using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>
    /// Migration 005 of schema v1: user isolation enforced by PostgreSQL. Creates Supabase's <c>auth.uid()</c>,
    /// <c>auth.role()</c> and <c>auth.jwt()</c> where they are missing, checks the API roles, grants table privileges,
    /// enables row-level security with the spec's policies, and ties a draft's or resolution's IR revision to its own
    /// session.
    /// </summary>
    /// <remarks>
    /// Every statement is written to run both directly and inside the PL/pgSQL <c>DO</c> block of an idempotent script,
    /// so there is no bare <c>SELECT</c> and every function body has a dollar-quote tag of its own.
    /// </remarks>
    public partial class CreateRlsPolicies : Migration
    {
        private static readonly string[] Tables = { "sessions", "session_revisions", "session_drafts", "hole_resolutions" };

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The API roles exist on Supabase and are left alone there. On plain PostgreSQL they are created, which only
            // a superuser can do (service_role has BYPASSRLS); anyone else gets the exact statements to hand to one.
            migrationBuilder.Sql("""
                DO $roles$
                DECLARE
                    missing text := '';
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
                        missing := missing || 'CREATE ROLE anon NOLOGIN NOINHERIT; ';
                    END IF;
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
                        missing := missing || 'CREATE ROLE authenticated NOLOGIN NOINHERIT; ';
                    END IF;
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN
                        missing := missing || 'CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; ';
                    END IF;
                    IF missing = '' THEN
                        RETURN;
                    END IF;
                    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                        RAISE EXCEPTION 'LiftSys.Sessions needs the roles anon, authenticated and service_role, and % may not create them.', current_user
                            USING HINT = 'Ask a superuser to run, then migrate again: ' || rtrim(missing),
                                  ERRCODE = 'insufficient_privilege';
                    END IF;
                    EXECUTE missing;
                END
                $roles$;
                """);

            // Supabase's own definitions, for plain PostgreSQL. Where the functions exist (Supabase) they are not touched.
            migrationBuilder.Sql("""
                DO $auth$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth') THEN
                        CREATE SCHEMA auth;
                        COMMENT ON SCHEMA auth IS 'liftsys-sessions: shim of Supabase''s auth schema';
                        GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
                    END IF;

                    IF to_regprocedure('auth.uid()') IS NULL THEN
                        CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$
                            SELECT coalesce(
                                nullif(current_setting('request.jwt.claim.sub', true), ''),
                                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
                            )::uuid
                        $fn$;
                        COMMENT ON FUNCTION auth.uid() IS 'liftsys-sessions: shim of Supabase''s auth.uid()';
                    END IF;

                    IF to_regprocedure('auth.role()') IS NULL THEN
                        CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $fn$
                            SELECT coalesce(
                                nullif(current_setting('request.jwt.claim.role', true), ''),
                                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
                            )::text
                        $fn$;
                        COMMENT ON FUNCTION auth.role() IS 'liftsys-sessions: shim of Supabase''s auth.role()';
                    END IF;

                    IF to_regprocedure('auth.jwt()') IS NULL THEN
                        CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $fn$
                            SELECT coalesce(
                                nullif(current_setting('request.jwt.claim', true), ''),
                                nullif(current_setting('request.jwt.claims', true), '')
                            )::jsonb
                        $fn$;
                        COMMENT ON FUNCTION auth.jwt() IS 'liftsys-sessions: shim of Supabase''s auth.jwt()';
                    END IF;
                END
                $auth$;
                """);

            // Privileges. Supabase's default privileges hand every new table in public to anon and authenticated, so
            // they are revoked first and granted back narrowly. anon gets nothing: there is no row a policy would have to
            // hide from it. authenticated may not write the columns the database owns (counters, timestamps, the owner
            // of a session once created), so they cannot be forged through Supabase's REST API either.
            migrationBuilder.Sql("""
                REVOKE ALL ON TABLE sessions, session_revisions, session_drafts, hole_resolutions FROM PUBLIC, anon, authenticated, service_role;
                REVOKE ALL ON TABLE __liftsys_sessions_migrations FROM PUBLIC, anon, authenticated, service_role;

                GRANT SELECT, DELETE ON TABLE sessions TO authenticated;
                GRANT INSERT (id, user_id, status, source, original_input, current_ir, current_code, metadata, finalized_at) ON TABLE sessions TO authenticated;
                GRANT UPDATE (status, current_ir, current_code, metadata, finalized_at) ON TABLE sessions TO authenticated;

                GRANT SELECT, DELETE ON TABLE session_revisions TO authenticated;
                GRANT INSERT (id, session_id, revision_number, source, ir_content, validation_result, changed_fields, change_summary, metadata) ON TABLE session_revisions TO authenticated;
                GRANT UPDATE (session_id, validation_result, change_summary, metadata) ON TABLE session_revisions TO authenticated;

                GRANT SELECT, DELETE ON TABLE session_drafts TO authenticated;
                GRANT INSERT (id, session_id, ir_revision_id, draft_number, source, code_content, language, syntax_valid, ast_valid, validation_errors, generation_time_ms, validation_time_ms, llm_tokens_used, llm_cost_usd, metadata) ON TABLE session_drafts TO authenticated;
                GRANT UPDATE (session_id, ir_revision_id, syntax_valid, ast_valid, validation_errors, validation_time_ms, metadata) ON TABLE session_drafts TO authenticated;

                GRANT SELECT, DELETE ON TABLE hole_resolutions TO authenticated;
                GRANT INSERT (id, session_id, ir_revision_id, hole_id, hole_type, resolution_method, resolved_value, confidence_score, original_hole_data, suggestions_provided, user_feedback, metadata) ON TABLE hole_resolutions TO authenticated;
                GRANT UPDATE (session_id, ir_revision_id, user_feedback, metadata) ON TABLE hole_resolutions TO authenticated;

                GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE sessions, session_revisions, session_drafts, hole_resolutions TO service_role;

                -- The health check reads which migrations are applied, as the service role.
                GRANT SELECT ON TABLE __liftsys_sessions_migrations TO service_role;
                """);

            // Integrity that is also security: the plain foreign key on ir_revision_id is checked without row-level
            // security, so it would let a user attach another user's revision to their own draft. These composite keys
            // require the revision to belong to the draft's (or resolution's) own session; SET NULL (ir_revision_id)
            // keeps the spec's behaviour when the revision is deleted.
            migrationBuilder.Sql("""
                ALTER TABLE session_revisions ADD CONSTRAINT session_revisions_session_id_id_key UNIQUE (session_id, id);
                ALTER TABLE session_drafts ADD CONSTRAINT session_drafts_ir_revision_same_session_fkey
                    FOREIGN KEY (session_id, ir_revision_id) REFERENCES session_revisions (session_id, id) ON DELETE SET NULL (ir_revision_id);
                ALTER TABLE hole_resolutions ADD CONSTRAINT hole_resolutions_ir_revision_same_session_fkey
                    FOREIGN KEY (session_id, ir_revision_id) REFERENCES session_revisions (session_id, id) ON DELETE SET NULL (ir_revision_id);
                """);

            // Row-level security. (select auth.uid()) is evaluated once per statement, not once per row (Supabase's
            // linter, rule 0003). Policies apply TO authenticated only: anon has no privileges, and service_role
            // bypasses RLS by design. Every policy that lets a row be written has a WITH CHECK, so a row can be neither
            // handed to another user nor moved into another user's session.
            migrationBuilder.Sql("""
                ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
                ALTER TABLE session_revisions ENABLE ROW LEVEL SECURITY;
                ALTER TABLE session_drafts ENABLE ROW LEVEL SECURITY;
                ALTER TABLE hole_resolutions ENABLE ROW LEVEL SECURITY;

                CREATE POLICY "Users can view their own sessions" ON sessions
                    FOR SELECT TO authenticated
                    USING ((select auth.uid()) = user_id);
                CREATE POLICY "Users can insert their own sessions" ON sessions
                    FOR INSERT TO authenticated
                    WITH CHECK ((select auth.uid()) = user_id);
                CREATE POLICY "Users can update their own sessions" ON sessions
                    FOR UPDATE TO authenticated
                    USING ((select auth.uid()) = user_id)
                    WITH CHECK ((select auth.uid()) = user_id);
                CREATE POLICY "Users can delete their own sessions" ON sessions
                    FOR DELETE TO authenticated
                    USING ((select auth.uid()) = user_id);
                """);

            foreach (var table in Tables.Skip(1))
            {
                // The parent check reads sessions, whose own policy applies inside it as well: only the user's sessions
                // are visible to the sub-select.
                var ownsParent = $"EXISTS (SELECT 1 FROM sessions s WHERE s.id = {table}.session_id AND s.user_id = (select auth.uid()))";
                migrationBuilder.Sql($"""
                    CREATE POLICY "Users can view their own {table}" ON {table}
                        FOR SELECT TO authenticated
                        USING ({ownsParent});
                    CREATE POLICY "Users can insert their own {table}" ON {table}
                        FOR INSERT TO authenticated
                        WITH CHECK ({ownsParent});
                    CREATE POLICY "Users can update their own {table}" ON {table}
                        FOR UPDATE TO authenticated
                        USING ({ownsParent})
                        WITH CHECK ({ownsParent});
                    CREATE POLICY "Users can delete their own {table}" ON {table}
                        FOR DELETE TO authenticated
                        USING ({ownsParent});
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Row-level security stays on: migrations 001-004 create the tables with it, closed until these policies exist.
            foreach (var table in Tables)
            {
                migrationBuilder.Sql($"""
                    DROP POLICY IF EXISTS "Users can view their own {table}" ON {table};
                    DROP POLICY IF EXISTS "Users can insert their own {table}" ON {table};
                    DROP POLICY IF EXISTS "Users can update their own {table}" ON {table};
                    DROP POLICY IF EXISTS "Users can delete their own {table}" ON {table};
                    """);
            }

            migrationBuilder.Sql("""
                ALTER TABLE hole_resolutions DROP CONSTRAINT IF EXISTS hole_resolutions_ir_revision_same_session_fkey;
                ALTER TABLE session_drafts DROP CONSTRAINT IF EXISTS session_drafts_ir_revision_same_session_fkey;
                ALTER TABLE session_revisions DROP CONSTRAINT IF EXISTS session_revisions_session_id_id_key;

                REVOKE ALL ON TABLE sessions, session_revisions, session_drafts, hole_resolutions FROM anon, authenticated, service_role;
                REVOKE ALL ON TABLE __liftsys_sessions_migrations FROM service_role;
                """);

            // Only what this migration created is dropped: functions and a schema marked as the shim. Supabase's own auth
            // schema and the cluster-wide roles stay (other databases may use them).
            migrationBuilder.Sql("""
                DO $auth$
                BEGIN
                    IF obj_description(to_regprocedure('auth.uid()'), 'pg_proc') LIKE 'liftsys-sessions:%' THEN
                        DROP FUNCTION auth.uid();
                    END IF;
                    IF obj_description(to_regprocedure('auth.role()'), 'pg_proc') LIKE 'liftsys-sessions:%' THEN
                        DROP FUNCTION auth.role();
                    END IF;
                    IF obj_description(to_regprocedure('auth.jwt()'), 'pg_proc') LIKE 'liftsys-sessions:%' THEN
                        DROP FUNCTION auth.jwt();
                    END IF;
                    IF obj_description((SELECT oid FROM pg_namespace WHERE nspname = 'auth'), 'pg_namespace') LIKE 'liftsys-sessions:%'
                       AND NOT EXISTS (SELECT FROM pg_depend d JOIN pg_namespace n ON d.refobjid = n.oid
                                       WHERE n.nspname = 'auth' AND d.refclassid = 'pg_namespace'::regclass AND d.deptype = 'n') THEN
                        DROP SCHEMA auth;
                    END IF;
                END
                $auth$;
                """);
        }
    }
}
