using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>
    /// Migration 006 of schema v1: the triggers that keep <c>sessions.updated_at</c> current and the denormalized
    /// <c>revision_count</c>, <c>draft_count</c> and <c>hole_count</c> equal to the number of child rows.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>Race-free counters.</b> Every counter changes by a relative <c>UPDATE … SET n = n + delta</c>, never by writing a
    /// value computed from a <c>count(*)</c>: the UPDATE takes the session row's lock and, under READ COMMITTED, re-reads
    /// the latest committed counter before adding to it, so concurrent writers queue on the row and no increment is
    /// lost (a recount would read a snapshot that misses the other writers' uncommitted rows). Under REPEATABLE READ or
    /// SERIALIZABLE the same conflict fails with a serialization error instead, and the client retries. A rolled-back
    /// insert or delete rolls back its counter change with it.
    /// </para>
    /// <para>
    /// <b>One UPDATE per session per statement.</b> The INSERT and DELETE triggers are statement-level with transition
    /// tables: a multi-row insert, a bulk delete and a cascade from <c>DELETE FROM sessions</c> (which PostgreSQL runs as
    /// one DELETE per parent row) each change a counter once per affected session instead of once per row. Before
    /// updating, the sessions are locked in id order, so two statements that touch the same sessions queue instead of
    /// deadlocking. Beyond the spec's INSERT and DELETE triggers, a row-level trigger follows a child moved to another
    /// session (<c>authenticated</c> may move a draft or resolution between its own sessions, <c>service_role</c> any
    /// child) and a TRUNCATE trigger zeroes the counter, so no path leaves a counter wrong.
    /// </para>
    /// <para>
    /// <b>SECURITY DEFINER.</b> Migration 005 does not let <c>authenticated</c> write the counters (so a client of
    /// Supabase's REST API cannot forge them), and a trigger function runs with the rights of whoever fired it. The
    /// counter functions therefore run as their owner, the role that owns the tables, which row-level security does
    /// not restrict. That is safe because they take no input but the rows the statement was already allowed to insert or
    /// delete, and change nothing but the counters of those rows' sessions. Their <c>search_path</c> is empty and every
    /// name in them is schema-qualified (the schema is looked up when the migration runs), so a caller's search_path
    /// cannot substitute another <c>sessions</c> table or operator (Supabase's linter, rule 0011). EXECUTE is revoked:
    /// PostgreSQL checks it only when a trigger is created, never when one fires.
    /// </para>
    /// <para>
    /// <c>liftsys_sessions_set_updated_at()</c> only assigns <c>NEW.updated_at</c>, which needs no privilege, so it runs
    /// as the caller. It has a name of its own: the library never touches an object it did not create, and
    /// <c>update_updated_at_column()</c>, the name this migration used at first, is a helper many Supabase projects
    /// already have (migration 008 moves databases that applied the earlier version of this migration off it).
    /// </para>
    /// <para>
    /// Every statement runs both directly and inside the PL/pgSQL <c>DO</c> block of an idempotent script: there is no
    /// bare <c>SELECT</c> and each function body has a dollar-quote tag of its own.
    /// </para>
    /// </remarks>
    public partial class CreateTriggers : Migration
    {
        private static readonly (string Table, string TriggerPrefix, string Column, string Function)[] Counters =
        {
            ("session_revisions", "trigger_revisions_count", "revision_count", "update_session_revision_count"),
            ("session_drafts", "trigger_drafts_count", "draft_count", "update_session_draft_count"),
            ("hole_resolutions", "trigger_resolutions_count", "hole_count", "update_session_hole_count"),
        };

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, triggerPrefix, column, function) in Counters)
            {
                migrationBuilder.Sql(CreateCounterFunction(function, column, table));
                migrationBuilder.Sql($"""
                    REVOKE ALL ON FUNCTION {function}() FROM PUBLIC, anon, authenticated, service_role;

                    CREATE TRIGGER {triggerPrefix}_insert
                        AFTER INSERT ON {table}
                        REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION {function}();
                    CREATE TRIGGER {triggerPrefix}_delete
                        AFTER DELETE ON {table}
                        REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION {function}();
                    CREATE TRIGGER {triggerPrefix}_update
                        AFTER UPDATE OF session_id ON {table}
                        FOR EACH ROW WHEN (OLD.session_id IS DISTINCT FROM NEW.session_id) EXECUTE FUNCTION {function}();
                    CREATE TRIGGER {triggerPrefix}_truncate
                        AFTER TRUNCATE ON {table}
                        FOR EACH STATEMENT EXECUTE FUNCTION {function}();
                    """);
            }

            // Rows written before this migration are counted once. CREATE TRIGGER has locked the child tables against
            // writes until this migration commits, so nothing can slip in between the count and the triggers. Only
            // wrong counters are written, and before trigger_sessions_updated_at exists, so updated_at is left alone.
            migrationBuilder.Sql("""
                UPDATE sessions s
                SET revision_count = c.revisions, draft_count = c.drafts, hole_count = c.holes
                FROM (
                    SELECT s2.id,
                        (SELECT count(*) FROM session_revisions r WHERE r.session_id = s2.id)::integer AS revisions,
                        (SELECT count(*) FROM session_drafts d WHERE d.session_id = s2.id)::integer AS drafts,
                        (SELECT count(*) FROM hole_resolutions h WHERE h.session_id = s2.id)::integer AS holes
                    FROM sessions s2
                ) c
                WHERE c.id = s.id
                  AND (s.revision_count, s.draft_count, s.hole_count) IS DISTINCT FROM (c.revisions, c.drafts, c.holes);
                """);

            migrationBuilder.Sql("""
                CREATE FUNCTION liftsys_sessions_set_updated_at() RETURNS trigger
                    LANGUAGE plpgsql
                    SET search_path = ''
                AS $fn$
                BEGIN
                    -- now() is the transaction's start: a transaction that began earlier but commits later, or a second
                    -- update in one transaction, would otherwise repeat or move back an optimistic-concurrency token.
                    NEW.updated_at := GREATEST(pg_catalog.now(), OLD.updated_at + interval '1 microsecond');
                    RETURN NEW;
                END
                $fn$;
                COMMENT ON FUNCTION liftsys_sessions_set_updated_at() IS 'liftsys-sessions: moves updated_at to now() (and always forward) on every UPDATE';
                REVOKE ALL ON FUNCTION liftsys_sessions_set_updated_at() FROM PUBLIC, anon, authenticated, service_role;

                CREATE TRIGGER trigger_sessions_updated_at
                    BEFORE UPDATE ON sessions
                    FOR EACH ROW EXECUTE FUNCTION liftsys_sessions_set_updated_at();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS trigger_sessions_updated_at ON sessions;
                DO $drop$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgfoid = to_regprocedure('liftsys_sessions_set_updated_at()')) THEN
                        DROP FUNCTION IF EXISTS liftsys_sessions_set_updated_at();
                    END IF;
                END
                $drop$;
                """);

            foreach (var (table, triggerPrefix, _, function) in Counters)
            {
                migrationBuilder.Sql($"""
                    DROP TRIGGER IF EXISTS {triggerPrefix}_insert ON {table};
                    DROP TRIGGER IF EXISTS {triggerPrefix}_delete ON {table};
                    DROP TRIGGER IF EXISTS {triggerPrefix}_update ON {table};
                    DROP TRIGGER IF EXISTS {triggerPrefix}_truncate ON {table};
                    DROP FUNCTION IF EXISTS {function}();
                    """);
            }
        }

        /// <summary>
        /// The counter function of one child table, created in the schema of <c>sessions</c> with every name qualified,
        /// so it can run with an empty search_path. One function serves the table's four triggers: statement-level
        /// INSERT and DELETE (transition tables <c>new_rows</c> / <c>old_rows</c>), row-level UPDATE of
        /// <c>session_id</c>, and TRUNCATE.
        /// </summary>
        private static string CreateCounterFunction(string function, string column, string table) => $"""
            DO $counter$
            DECLARE
                target name := (SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                                WHERE c.oid = 'sessions'::regclass);
            BEGIN
                EXECUTE format($create$
                    CREATE FUNCTION %1$I.{function}() RETURNS trigger
                        LANGUAGE plpgsql
                        SECURITY DEFINER
                        SET search_path = ''
                    AS $fn$
                    BEGIN
                        -- Relative updates under the session row lock, never a recount: concurrent writers queue on the
                        -- row and each adds its own delta. Sessions are locked in id order so that statements touching
                        -- several sessions cannot deadlock on each other.
                        IF TG_OP = 'INSERT' THEN
                            PERFORM 1 FROM %1$I.sessions s
                            WHERE s.id IN (SELECT session_id FROM new_rows) ORDER BY s.id FOR NO KEY UPDATE OF s;
                            UPDATE %1$I.sessions s SET {column} = s.{column} + d.n
                            FROM (SELECT session_id, count(*)::integer AS n FROM new_rows GROUP BY session_id) d
                            WHERE s.id = d.session_id;
                        ELSIF TG_OP = 'DELETE' THEN
                            -- A cascade from DELETE FROM sessions finds its session already gone and changes nothing.
                            PERFORM 1 FROM %1$I.sessions s
                            WHERE s.id IN (SELECT session_id FROM old_rows) ORDER BY s.id FOR NO KEY UPDATE OF s;
                            UPDATE %1$I.sessions s SET {column} = s.{column} - d.n
                            FROM (SELECT session_id, count(*)::integer AS n FROM old_rows GROUP BY session_id) d
                            WHERE s.id = d.session_id;
                        ELSIF TG_OP = 'UPDATE' THEN
                            -- Row level, fired only when session_id changed: one row moved from OLD's session to NEW's.
                            PERFORM 1 FROM %1$I.sessions s
                            WHERE s.id IN (OLD.session_id, NEW.session_id) ORDER BY s.id FOR NO KEY UPDATE OF s;
                            UPDATE %1$I.sessions s
                            SET {column} = s.{column} + CASE WHEN s.id = NEW.session_id THEN 1 ELSE -1 END
                            WHERE s.id IN (OLD.session_id, NEW.session_id);
                        ELSIF TG_OP = 'TRUNCATE' THEN
                            UPDATE %1$I.sessions s SET {column} = 0 WHERE s.{column} <> 0;
                        END IF;
                        RETURN NULL;
                    END
                    $fn$
                    $create$, target);
                EXECUTE format('COMMENT ON FUNCTION %I.{function}() IS %L', target,
                    'liftsys-sessions: keeps sessions.{column} equal to the number of {table} rows (SECURITY DEFINER: authenticated may not write the counter)');
            END
            $counter$;
            """;
    }
}
