using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>Migration 003 of schema v1: the <c>session_drafts</c> table (code generation attempts).</summary>
    public partial class CreateDraftsTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "session_drafts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ir_revision_id = table.Column<Guid>(type: "uuid", nullable: true),
                    draft_number = table.Column<int>(type: "integer", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    code_content = table.Column<string>(type: "text", nullable: false),
                    language = table.Column<string>(type: "text", nullable: false, defaultValue: "python"),
                    syntax_valid = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    ast_valid = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    validation_errors = table.Column<JsonElement>(type: "jsonb", nullable: true, defaultValueSql: "'[]'::jsonb"),
                    generation_time_ms = table.Column<int>(type: "integer", nullable: true),
                    validation_time_ms = table.Column<int>(type: "integer", nullable: true),
                    llm_tokens_used = table.Column<int>(type: "integer", nullable: true),
                    llm_cost_usd = table.Column<decimal>(type: "numeric(10,6)", precision: 10, scale: 6, nullable: true),
                    metadata = table.Column<JsonElement>(type: "jsonb", nullable: true, defaultValueSql: "'{}'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("session_drafts_pkey", x => x.id);
                    table.UniqueConstraint("session_drafts_session_id_draft_number_key", x => new { x.session_id, x.draft_number });
                    table.CheckConstraint("session_drafts_code_content_check", "length(code_content) > 0");
                    table.CheckConstraint("session_drafts_draft_number_check", "draft_number > 0");
                    table.CheckConstraint("session_drafts_source_check", "source IN ('initial_generation', 'ast_repair', 'llm_regeneration', 'user_edit')");
                    table.ForeignKey(
                        name: "session_drafts_ir_revision_id_fkey",
                        column: x => x.ir_revision_id,
                        principalTable: "session_revisions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "session_drafts_session_id_fkey",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Closed to the API roles before this migration commits: Supabase's default privileges would otherwise
            // open the table through its REST API until migration 005 adds the policies (see ApiRoleLockdown).
            migrationBuilder.Sql(ApiRoleLockdown.Table("session_drafts"));

            migrationBuilder.CreateIndex(
                name: "idx_drafts_created_at",
                table: "session_drafts",
                column: "created_at",
                descending: new[] { true });

            migrationBuilder.CreateIndex(
                name: "idx_drafts_ir_revision_id",
                table: "session_drafts",
                column: "ir_revision_id");

            migrationBuilder.CreateIndex(
                name: "idx_drafts_metadata",
                table: "session_drafts",
                column: "metadata")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_drafts_session_draft",
                table: "session_drafts",
                columns: new[] { "session_id", "draft_number" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "idx_drafts_session_id",
                table: "session_drafts",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "idx_drafts_source",
                table: "session_drafts",
                column: "source");

            migrationBuilder.CreateIndex(
                name: "idx_drafts_valid",
                table: "session_drafts",
                columns: new[] { "syntax_valid", "ast_valid" });

            migrationBuilder.CreateIndex(
                name: "idx_drafts_validation_errors",
                table: "session_drafts",
                column: "validation_errors")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "session_drafts");
        }
    }
}
