using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>Migration 004 of schema v1: the <c>hole_resolutions</c> table (typed-hole resolutions).</summary>
    public partial class CreateResolutionsTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "hole_resolutions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ir_revision_id = table.Column<Guid>(type: "uuid", nullable: true),
                    hole_id = table.Column<string>(type: "text", nullable: false),
                    hole_type = table.Column<string>(type: "text", nullable: false),
                    resolution_method = table.Column<string>(type: "text", nullable: false),
                    resolved_value = table.Column<JsonElement>(type: "jsonb", nullable: false),
                    confidence_score = table.Column<decimal>(type: "numeric(3,2)", precision: 3, scale: 2, nullable: true),
                    original_hole_data = table.Column<JsonElement>(type: "jsonb", nullable: true),
                    suggestions_provided = table.Column<JsonElement>(type: "jsonb", nullable: true, defaultValueSql: "'[]'::jsonb"),
                    user_feedback = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<JsonElement>(type: "jsonb", nullable: true, defaultValueSql: "'{}'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("hole_resolutions_pkey", x => x.id);

                    // The schema makes this a UNIQUE table constraint. The model can only describe it as a unique
                    // index (an EF alternate key cannot include the nullable ir_revision_id), so the migration creates
                    // the constraint itself under the same name; PostgreSQL backs it with exactly that index.
                    table.UniqueConstraint("hole_resolutions_session_id_ir_revision_id_hole_id_key", x => new { x.session_id, x.ir_revision_id, x.hole_id });
                    table.CheckConstraint("hole_resolutions_confidence_score_check", "confidence_score BETWEEN 0 AND 1");
                    table.CheckConstraint("hole_resolutions_hole_type_check", "hole_type IN ('type', 'parameter', 'return_value', 'validation', 'entity', 'constraint', 'other')");
                    table.CheckConstraint("hole_resolutions_resolution_method_check", "resolution_method IN ('user_selection', 'ai_suggestion', 'inference', 'default')");
                    table.ForeignKey(
                        name: "hole_resolutions_ir_revision_id_fkey",
                        column: x => x.ir_revision_id,
                        principalTable: "session_revisions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "hole_resolutions_session_id_fkey",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Closed to the API roles before this migration commits: Supabase's default privileges would otherwise
            // open the table through its REST API until migration 005 adds the policies (see ApiRoleLockdown).
            migrationBuilder.Sql(ApiRoleLockdown.Table("hole_resolutions"));

            migrationBuilder.CreateIndex(
                name: "idx_resolutions_created_at",
                table: "hole_resolutions",
                column: "created_at",
                descending: new[] { true });

            migrationBuilder.CreateIndex(
                name: "idx_resolutions_hole_type",
                table: "hole_resolutions",
                column: "hole_type");

            migrationBuilder.CreateIndex(
                name: "idx_resolutions_ir_revision_id",
                table: "hole_resolutions",
                column: "ir_revision_id");

            migrationBuilder.CreateIndex(
                name: "idx_resolutions_metadata",
                table: "hole_resolutions",
                column: "metadata")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_resolutions_original_data",
                table: "hole_resolutions",
                column: "original_hole_data")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_resolutions_resolution_method",
                table: "hole_resolutions",
                column: "resolution_method");

            migrationBuilder.CreateIndex(
                name: "idx_resolutions_resolved_value",
                table: "hole_resolutions",
                column: "resolved_value")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_resolutions_session_id",
                table: "hole_resolutions",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "idx_resolutions_suggestions",
                table: "hole_resolutions",
                column: "suggestions_provided")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hole_resolutions");
        }
    }
}
