namespace LiftSys.Sessions.EfCore.Migrations;

/// <summary>
/// The statements that close a relation to Supabase's API roles in the same migration that creates it, before anything
/// commits: Supabase's default privileges grant <c>anon</c>, <c>authenticated</c> and <c>service_role</c> everything on
/// every new table and view in <c>public</c>, and each migration commits on its own, so a table left as created would be
/// open through the REST API until migration 005 grants it back narrowly behind its policies — for good, in a deploy
/// that stops half way.
/// </summary>
/// <remarks>
/// The API roles need not exist yet on plain PostgreSQL (migration 005 creates them), so they are revoked from only
/// where they exist. Like every migration statement, this runs both directly and inside the PL/pgSQL <c>DO</c> block
/// of an idempotent script, so the block has a dollar-quote tag of its own.
/// </remarks>
internal static class ApiRoleLockdown
{
    /// <summary>Row-level security on (no policy: no row for anyone it applies to) and no privilege for PUBLIC or an API role.</summary>
    /// <param name="table">The unqualified name of a table the migration has just created.</param>
    /// <returns>The SQL, for <c>migrationBuilder.Sql</c>.</returns>
    public static string Table(string table) => $"""
        ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
        {RevokeFromApiRoles(table)}
        """;

    /// <summary>No privilege for PUBLIC or an API role on a relation (a table, or a view, which has no row-level security).</summary>
    /// <param name="relation">The unqualified (or already quoted) name of the relation.</param>
    /// <returns>The SQL, for <c>migrationBuilder.Sql</c>.</returns>
    public static string RevokeFromApiRoles(string relation) => $"""
        REVOKE ALL ON TABLE {relation} FROM PUBLIC;
        DO $lockdown$
        DECLARE
            api_role name;
        BEGIN
            FOR api_role IN SELECT rolname FROM pg_catalog.pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role') LOOP
                EXECUTE pg_catalog.format('REVOKE ALL ON TABLE {relation.Replace("'", "''", StringComparison.Ordinal)} FROM %I', api_role);
            END LOOP;
        END
        $lockdown$;
        """;
}
