using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>Migration 001 of schema v1: the <c>sessions</c> table, its CHECK constraints and indexes.</summary>
    public partial class CreateSessionsTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false, defaultValue: "active"),
                    source = table.Column<string>(type: "text", nullable: false, defaultValue: "prompt"),
                    original_input = table.Column<string>(type: "text", nullable: false),
                    current_ir = table.Column<JsonElement>(type: "jsonb", nullable: true),
                    current_code = table.Column<string>(type: "text", nullable: true),
                    revision_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    draft_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    hole_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    metadata = table.Column<JsonElement>(type: "jsonb", nullable: true, defaultValueSql: "'{}'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    finalized_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("sessions_pkey", x => x.id);
                    table.CheckConstraint("sessions_original_input_check", "length(original_input) > 0");
                    table.CheckConstraint("sessions_source_check", "source IN ('prompt', 'code')");
                    table.CheckConstraint("sessions_status_check", "status IN ('active', 'paused', 'finalized', 'error')");
                });

            // Closed to the API roles before this migration commits: Supabase's default privileges would otherwise
            // open the table through its REST API until migration 005 adds the policies (see ApiRoleLockdown).
            migrationBuilder.Sql(ApiRoleLockdown.Table("sessions"));

            migrationBuilder.CreateIndex(
                name: "idx_sessions_created_at",
                table: "sessions",
                column: "created_at",
                descending: new[] { true });

            migrationBuilder.CreateIndex(
                name: "idx_sessions_current_ir",
                table: "sessions",
                column: "current_ir")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_sessions_metadata",
                table: "sessions",
                column: "metadata")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_sessions_status",
                table: "sessions",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "idx_sessions_user_id",
                table: "sessions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_sessions_user_status",
                table: "sessions",
                columns: new[] { "user_id", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sessions");
        }
    }
}
