using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiftSys.Sessions.EfCore.Migrations
{
    /// <summary>
    /// Migration 009: the child tables' policies (<c>session_revisions</c>, <c>session_drafts</c>,
    /// <c>hole_resolutions</c>) decide ownership once per statement instead of once per row. Migration 005's
    /// <c>EXISTS (… s.id = t.session_id …)</c> is correlated with the row, so PostgreSQL runs it as a sub-plan per row (an
    /// index probe of <c>sessions</c> for every child row) wherever it expects few rows, the views' joins included;
    /// <c>session_id IN (SELECT s.id FROM sessions s WHERE s.user_id = (SELECT auth.uid()))</c>, the form of Supabase's
    /// row-level security performance guide, is not correlated, so it runs once per statement as a hashed sub-plan and
    /// each row costs a hash probe. The price is reading all of the user's sessions once per statement, also for a
    /// statement that reads one session's rows (docs/ARCHITECTURE.md, "Policies", has the measured trade-off).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Same semantics for every command and role: each policy keeps its name, command and role (<c>ALTER POLICY</c>
    /// changes only the expressions) and both forms are true for exactly the rows whose session is visible to the caller
    /// and owned by <c>auth.uid()</c>. <c>session_id</c> and <c>sessions.id</c> are NOT NULL, so <c>IN</c> is never
    /// NULL where <c>EXISTS</c> would be false; with no <c>sub</c> claim <c>auth.uid()</c> is NULL, the sub-select is
    /// empty and both deny (fail closed). The sub-select on <c>sessions</c> stays under <c>sessions</c>' own policy, as
    /// before. <c>service_role</c> bypasses row-level security and <c>anon</c> has no privilege, so neither policy
    /// applies to them. Privileges are untouched (migration 008's append-only history stands).
    /// </para>
    /// <para>
    /// Every statement runs both directly and inside the PL/pgSQL <c>DO</c> block of an idempotent script: there is no
    /// bare <c>SELECT</c>.
    /// </para>
    /// </remarks>
    public partial class InitPlanChildPolicies : Migration
    {
        private static readonly string[] ChildTables = { "session_revisions", "session_drafts", "hole_resolutions" };

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var table in ChildTables)
            {
                migrationBuilder.Sql(AlterPolicies(table, "session_id IN (SELECT s.id FROM sessions s WHERE s.user_id = (SELECT auth.uid()))"));
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Migration 005's definitions, word for word.
            foreach (var table in ChildTables)
            {
                migrationBuilder.Sql(AlterPolicies(
                    table, $"EXISTS (SELECT 1 FROM sessions s WHERE s.id = {table}.session_id AND s.user_id = (select auth.uid()))"));
            }
        }

        private static string AlterPolicies(string table, string ownsParent) => $"""
            ALTER POLICY "Users can view their own {table}" ON {table}
                USING ({ownsParent});
            ALTER POLICY "Users can insert their own {table}" ON {table}
                WITH CHECK ({ownsParent});
            ALTER POLICY "Users can update their own {table}" ON {table}
                USING ({ownsParent})
                WITH CHECK ({ownsParent});
            ALTER POLICY "Users can delete their own {table}" ON {table}
                USING ({ownsParent});
            """;
    }
}
