using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>
    /// Migration 010: the two procedures that let the library send an operation's claims and its row lock in the same
    /// round trip as the operation's first statement. A <c>CALL</c> of a procedure without output parameters returns no
    /// result set and no row count, so it can lead any batch without changing what the batch's readers see.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <c>liftsys_sessions_apply_claims</c> does what the interceptor's claims statement did: optionally checks that the
    /// login role does not skip row-level security, checks that it may become the actor's role, switches to it and sets
    /// the Supabase claims. It raises instead of returning a verdict, so a batch it leads never runs with the login's own
    /// rights: the error ends the batch's (implicit or explicit) transaction. <c>liftsys_sessions_lock_session</c> takes
    /// the session row's <c>FOR NO KEY UPDATE</c> lock, under row-level security, before the statement that reads what
    /// the lock protects (that statement takes its own snapshot, after the lock was granted).
    /// </para>
    /// <para>
    /// Both are SECURITY INVOKER (a security-definer function may not change <c>role</c>, and the lock must be subject to
    /// the caller's policies) and executable by PUBLIC: neither lets a caller do anything it could not do with
    /// <c>set_config</c> or <c>SELECT … FOR NO KEY UPDATE</c> itself. Catalog objects are schema-qualified.
    /// </para>
    /// </remarks>
    public partial class ClaimsInOneRoundTrip : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SQLSTATEs of the library's own (class "LS"): LS401 the login skips row-level security, LS403 the login may
            // not become the actor's role. DETAIL carries the login role, HINT the reasons (or the actor's role), so the
            // interceptor can turn them into UnsafeLoginRoleException and ActorRoleNotGrantedException.
            migrationBuilder.Sql("""
                CREATE OR REPLACE PROCEDURE liftsys_sessions_apply_claims(
                    p_role text, p_claims text, p_subject text, p_local boolean, p_check_login boolean, p_privileged_login_allowed boolean)
                LANGUAGE plpgsql
                AS $liftsys_apply_claims$
                DECLARE
                    v_login text := session_user;
                    v_reasons text[] := ARRAY[]::text[];
                BEGIN
                    IF p_check_login THEN
                        SELECT array_remove(ARRAY[
                                   CASE WHEN r.rolsuper THEN 'superuser' END,
                                   CASE WHEN r.rolbypassrls THEN 'bypassrls' END,
                                   CASE WHEN coalesce((SELECT pg_catalog.pg_has_role(session_user, t.relowner, 'USAGE')
                                                       FROM pg_catalog.pg_class t
                                                       WHERE t.oid = pg_catalog.to_regclass('sessions')), false)
                                        THEN 'owner' END], NULL)
                        INTO v_reasons
                        FROM pg_catalog.pg_roles r
                        WHERE r.rolname = session_user;
                        IF cardinality(v_reasons) > 0 AND NOT p_privileged_login_allowed THEN
                            RAISE EXCEPTION 'The login role % skips row-level security (%); LiftSys.Sessions refuses to act on it.',
                                v_login, array_to_string(v_reasons, ', ')
                                USING ERRCODE = 'LS401', DETAIL = v_login, HINT = array_to_string(v_reasons, ',');
                        END IF;
                    END IF;

                    IF coalesce(cardinality(v_reasons), 0) = 0 THEN
                        IF NOT coalesce((SELECT pg_catalog.pg_has_role(session_user, a.oid, 'MEMBER')
                                         FROM pg_catalog.pg_roles a WHERE a.rolname = p_role), false) THEN
                            RAISE EXCEPTION 'The login role % may not switch to role %.', v_login, p_role
                                USING ERRCODE = 'LS403', DETAIL = v_login, HINT = p_role;
                        END IF;
                        PERFORM pg_catalog.set_config('role', p_role, p_local);
                    END IF;

                    -- auth.uid() reads request.jwt.claim.sub before request.jwt.claims and auth.jwt() reads
                    -- request.jwt.claim first, so the legacy settings are overwritten too.
                    PERFORM pg_catalog.set_config('request.jwt.claims', p_claims, p_local),
                            pg_catalog.set_config('request.jwt.claim.sub', p_subject, p_local),
                            pg_catalog.set_config('request.jwt.claim.role', p_role, p_local),
                            pg_catalog.set_config('request.jwt.claim', '', p_local);
                END
                $liftsys_apply_claims$;

                COMMENT ON PROCEDURE liftsys_sessions_apply_claims(text, text, text, boolean, boolean, boolean) IS 'liftsys-sessions: switches to the acting role and sets its claims, refusing a login that skips row-level security';
                GRANT EXECUTE ON PROCEDURE liftsys_sessions_apply_claims(text, text, text, boolean, boolean, boolean) TO PUBLIC;

                CREATE OR REPLACE PROCEDURE liftsys_sessions_lock_session(p_session_id uuid)
                LANGUAGE plpgsql
                AS $liftsys_lock_session$
                BEGIN
                    -- FOR NO KEY UPDATE: the counter triggers update the same row (a no-key update), so a weaker lock
                    -- would let two writers deadlock on upgrading it; child inserts' key checks (KEY SHARE) still pass.
                    PERFORM 1 FROM sessions WHERE id = p_session_id FOR NO KEY UPDATE;
                END
                $liftsys_lock_session$;

                COMMENT ON PROCEDURE liftsys_sessions_lock_session(uuid) IS 'liftsys-sessions: locks a session row (FOR NO KEY UPDATE, under row-level security) before its numbers are read';
                GRANT EXECUTE ON PROCEDURE liftsys_sessions_lock_session(uuid) TO PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP PROCEDURE IF EXISTS liftsys_sessions_lock_session(uuid);
                DROP PROCEDURE IF EXISTS liftsys_sessions_apply_claims(text, text, text, boolean, boolean, boolean);
                """);
        }
    }
}
