using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>Migration 002 of schema v1: the <c>session_revisions</c> table (IR history).</summary>
    public partial class CreateRevisionsTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "session_revisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    revision_number = table.Column<int>(type: "integer", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    ir_content = table.Column<JsonElement>(type: "jsonb", nullable: false),
                    validation_result = table.Column<JsonElement>(type: "jsonb", nullable: true),
                    changed_fields = table.Column<IReadOnlyList<string>>(type: "text[]", nullable: true, defaultValueSql: "ARRAY[]::text[]"),
                    change_summary = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<JsonElement>(type: "jsonb", nullable: true, defaultValueSql: "'{}'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("session_revisions_pkey", x => x.id);
                    table.UniqueConstraint("session_revisions_session_id_revision_number_key", x => new { x.session_id, x.revision_number });
                    table.CheckConstraint("session_revisions_revision_number_check", "revision_number > 0");
                    table.CheckConstraint("session_revisions_source_check", "source IN ('initial', 'refinement', 'repair', 'user_edit')");
                    table.ForeignKey(
                        name: "session_revisions_session_id_fkey",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Closed to the API roles before this migration commits: Supabase's default privileges would otherwise
            // open the table through its REST API until migration 005 adds the policies (see ApiRoleLockdown).
            migrationBuilder.Sql(ApiRoleLockdown.Table("session_revisions"));

            migrationBuilder.CreateIndex(
                name: "idx_revisions_created_at",
                table: "session_revisions",
                column: "created_at",
                descending: new[] { true });

            migrationBuilder.CreateIndex(
                name: "idx_revisions_ir_content",
                table: "session_revisions",
                column: "ir_content")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_revisions_metadata",
                table: "session_revisions",
                column: "metadata")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_revisions_session_id",
                table: "session_revisions",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "idx_revisions_session_revision",
                table: "session_revisions",
                columns: new[] { "session_id", "revision_number" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "idx_revisions_source",
                table: "session_revisions",
                column: "source");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "session_revisions");
        }
    }
}
