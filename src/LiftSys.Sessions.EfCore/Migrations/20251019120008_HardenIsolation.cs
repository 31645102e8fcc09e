using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>
    /// Migration 008: isolation that holds at the schema's edges. One foreign key per IR revision reference (so an error
    /// cannot tell another user's revision from one that does not exist) with a covering index; IR history append-only
    /// for <c>authenticated</c>; the <c>updated_at</c> trigger on a function of the library's own; row-level security on
    /// the history table.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A fresh database gets most of this from migrations 001–007 as they are now; this migration brings a database that
    /// applied their earlier versions to the same state, and is a no-op where there is nothing to change. It does not
    /// touch any grant or policy beyond the two privileges it revokes.
    /// </para>
    /// <para>
    /// Every statement runs both directly and inside the PL/pgSQL <c>DO</c> block of an idempotent script: there is no
    /// bare <c>SELECT</c> and each block or function body has a dollar-quote tag of its own.
    /// </para>
    /// </remarks>
    public partial class HardenIsolation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The spec's plain keys on ir_revision_id sat beside migration 005's same-session keys. Foreign keys are
            // checked without row-level security, so naming another user's revision passed the plain key and failed the
            // same-session one, while an unused id failed the plain key: the constraint name told whether the revision
            // existed. The same-session keys alone reject both, under one name.
            migrationBuilder.DropForeignKey(
                name: "session_drafts_ir_revision_id_fkey",
                table: "session_drafts");

            migrationBuilder.DropForeignKey(
                name: "hole_resolutions_ir_revision_id_fkey",
                table: "hole_resolutions");

            // Covers session_drafts_ir_revision_same_session_fkey, so deleting a revision (ON DELETE SET NULL) finds its
            // drafts by index (Supabase's linter, rule 0001). hole_resolutions' key is covered by its unique constraint
            // (session_id, ir_revision_id, hole_id).
            migrationBuilder.CreateIndex(
                name: "idx_drafts_session_ir_revision",
                table: "session_drafts",
                columns: new[] { "session_id", "ir_revision_id" });

            // IR history is append-only for users: no DELETE (the spec's delete policy let a user delete a revision and
            // insert another under the same id with a different IR), and no move to another session. The policies stay,
            // as the spec defines them; without the privilege they never apply. Deleting a session still removes its
            // revisions: a foreign key's ON DELETE CASCADE runs with the rights of the table's owner.
            migrationBuilder.Sql("""
                REVOKE DELETE ON TABLE session_revisions FROM authenticated;
                REVOKE UPDATE (session_id) ON TABLE session_revisions FROM authenticated;
                """);

            // Databases that applied the first version of migration 006 replaced (or created) update_updated_at_column(),
            // a helper name many Supabase projects use for their own triggers. The trigger moves to the library's own
            // function, and update_updated_at_column() is dropped only when it is the library's (its comment says so)
            // and no trigger uses it any more; a project's own function of that name is never touched.
            migrationBuilder.Sql("""
                DO $updated_at$
                BEGIN
                    IF pg_catalog.to_regprocedure('liftsys_sessions_set_updated_at()') IS NULL THEN
                        CREATE FUNCTION liftsys_sessions_set_updated_at() RETURNS trigger
                            LANGUAGE plpgsql
                            SET search_path = ''
                        AS $fn$
                        BEGIN
                            -- now() is the transaction's start: a transaction that began earlier but commits later, or a
                            -- second update in one transaction, would otherwise repeat or move back an optimistic-concurrency
                            -- token.
                            NEW.updated_at := GREATEST(pg_catalog.now(), OLD.updated_at + interval '1 microsecond');
                            RETURN NEW;
                        END
                        $fn$;
                        COMMENT ON FUNCTION liftsys_sessions_set_updated_at() IS 'liftsys-sessions: moves updated_at to now() (and always forward) on every UPDATE';
                        REVOKE ALL ON FUNCTION liftsys_sessions_set_updated_at() FROM PUBLIC, anon, authenticated, service_role;
                    END IF;
                END
                $updated_at$;

                CREATE OR REPLACE TRIGGER trigger_sessions_updated_at
                    BEFORE UPDATE ON sessions
                    FOR EACH ROW EXECUTE FUNCTION liftsys_sessions_set_updated_at();

                DO $retire$
                BEGIN
                    IF pg_catalog.obj_description(pg_catalog.to_regprocedure('update_updated_at_column()'), 'pg_proc') LIKE 'liftsys-sessions:%'
                       AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger WHERE tgfoid = pg_catalog.to_regprocedure('update_updated_at_column()')) THEN
                        DROP FUNCTION update_updated_at_column();
                    END IF;
                END
                $retire$;
                """);

            // The history table is now created this way (see LiftSysSessionsHistoryRepository); older databases get the
            // same. No policy: only the owner and service_role (BYPASSRLS), which migration 005 lets read it, see rows.
            migrationBuilder.Sql($"ALTER TABLE {SessionsDbContext.MigrationsHistoryTable} ENABLE ROW LEVEL SECURITY;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The history table keeps row-level security and the trigger keeps the library's own function: that is how
            // migrations 006 and the history table create them now, and update_updated_at_column() was never ours to
            // bring back.
            migrationBuilder.Sql("""
                GRANT DELETE ON TABLE session_revisions TO authenticated;
                GRANT UPDATE (session_id) ON TABLE session_revisions TO authenticated;
                """);

            migrationBuilder.DropIndex(
                name: "idx_drafts_session_ir_revision",
                table: "session_drafts");

            migrationBuilder.AddForeignKey(
                name: "hole_resolutions_ir_revision_id_fkey",
                table: "hole_resolutions",
                column: "ir_revision_id",
                principalTable: "session_revisions",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "session_drafts_ir_revision_id_fkey",
                table: "session_drafts",
                column: "ir_revision_id",
                principalTable: "session_revisions",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }
    }
}
