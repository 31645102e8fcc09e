using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations.Internal;

namespace LiftSys.Sessions.EfCore.Migrations;

/// <summary>
/// Npgsql's history repository, except that <see cref="SessionsDbContext.MigrationsHistoryTable"/> is closed to the API
/// roles in the same statement that creates it. EF creates and commits the history table before migration 001 runs,
/// and Supabase's default privileges grant <c>anon</c> and <c>authenticated</c> everything on it: a deploy stopped in
/// between would leave a table through which anyone could mark migration 005 (row-level security) as applied.
/// </summary>
/// <remarks>
/// Deriving from Npgsql's repository (an internal API, hence EF1001) keeps everything else it does — the history
/// table's shape, its PostgreSQL-specific existence checks and its tolerance of concurrent creation — instead of
/// copying it. The tests of the migration paths would catch a change of shape in a new Npgsql version.
/// </remarks>
#pragma warning disable EF1001 // Internal EF Core API usage: see remarks.
internal sealed class LiftSysSessionsHistoryRepository(HistoryRepositoryDependencies dependencies)
    : NpgsqlHistoryRepository(dependencies)
#pragma warning restore EF1001
{
    /// <summary>The table, created, with row-level security on and no privilege for PUBLIC or an API role.</summary>
    /// <returns>The SQL (Npgsql's create-if-not-exists script is built from it, so it is closed on every path).</returns>
    public override string GetCreateScript() => base.GetCreateScript() + LockdownScript();

    /// <summary>
    /// Creates and closes the table only when it does not exist yet: Migrate runs this on every call and the idempotent
    /// script on every apply, and on a database that has it already the grants migration 005 gave must stay as they are.
    /// </summary>
    /// <returns>One <c>DO</c> block (around Npgsql's <c>CREATE TABLE IF NOT EXISTS</c>, which concurrent creators still need).</returns>
    public override string GetCreateIfNotExistsScript() => $"""
        DO $history$
        BEGIN
            IF pg_catalog.to_regclass('{QuotedTable.Replace("'", "''", StringComparison.Ordinal)}') IS NULL THEN
        {base.GetCreateIfNotExistsScript()}
            END IF;
        END
        $history$;

        """;

    private string QuotedTable => SqlGenerationHelper.DelimitIdentifier(TableName, TableSchema);

    private string LockdownScript() => $"""
        ALTER TABLE {QuotedTable} ENABLE ROW LEVEL SECURITY;
        {ApiRoleLockdown.RevokeFromApiRoles(QuotedTable)}

        """;
}
