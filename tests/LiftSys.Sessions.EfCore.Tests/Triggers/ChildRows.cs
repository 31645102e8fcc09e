using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Triggers;

/// <summary>
/// Writes child rows of the three counted tables in single multi-row statements (the statement-level triggers must
/// count every row of one statement), and reads counters back, with plain SQL.
/// </summary>
internal static class ChildRows
{
    public static readonly string[] Tables = ["session_revisions", "session_drafts", "hole_resolutions"];

    /// <summary>Inserts one row per (session, number) pair in one statement; numbers must be unique per session.</summary>
    public static Task<int> InsertAsync(NpgsqlConnection connection, string table, IReadOnlyList<(Guid Session, int Number)> rows)
    {
        var sessions = rows.Select(r => r.Session).ToArray();
        var numbers = rows.Select(r => r.Number).ToArray();
        var select = table switch
        {
            "session_revisions" => "INSERT INTO session_revisions (session_id, revision_number, source, ir_content) SELECT s, n, 'refinement', '{}'",
            "session_drafts" => "INSERT INTO session_drafts (session_id, draft_number, source, code_content) SELECT s, n, 'user_edit', 'x = 1'",
            "hole_resolutions" => "INSERT INTO hole_resolutions (session_id, hole_id, hole_type, resolution_method, resolved_value) SELECT s, 'hole-' || n, 'type', 'default', '1'",
            _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
        };
        return connection.ExecuteAsync($"{select} FROM unnest($1::uuid[], $2::int[]) AS t(s, n)", sessions, numbers);
    }

    /// <summary>Inserts <paramref name="count"/> rows numbered from <paramref name="first"/> into one session, in one statement.</summary>
    public static Task<int> InsertAsync(NpgsqlConnection connection, string table, Guid session, int first, int count) =>
        InsertAsync(connection, table, Enumerable.Range(first, count).Select(n => (session, n)).ToArray());

    /// <summary>Reads a session's (revision_count, draft_count, hole_count).</summary>
    public static async Task<(int Revisions, int Drafts, int Holes)> CountersAsync(NpgsqlConnection connection, Guid session)
    {
        var counters = await connection.ScalarAsync<int[]>(
            "SELECT ARRAY[revision_count, draft_count, hole_count] FROM sessions WHERE id = $1", session);
        return counters is null ? throw new InvalidOperationException($"No session {session}.") : (counters[0], counters[1], counters[2]);
    }

    /// <summary>Reads a session's counters by table: the column that counts the rows of <paramref name="table"/>.</summary>
    public static async Task<int> CounterAsync(NpgsqlConnection connection, string table, Guid session)
    {
        var (revisions, drafts, holes) = await CountersAsync(connection, session);
        return table switch
        {
            "session_revisions" => revisions,
            "session_drafts" => drafts,
            "hole_resolutions" => holes,
            _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
        };
    }

    /// <summary>
    /// Describes every session whose counters differ from the rows it has; empty when all are exact. Needs a connection
    /// that sees every row (the owner or the service role).
    /// </summary>
    public static async Task<string[]> MismatchesAsync(NpgsqlConnection connection) =>
        (await connection.ScalarAsync<string[]>(
            """
            SELECT coalesce(array_agg(format('%s: counters %s/%s/%s, rows %s/%s/%s',
                                             s.id, s.revision_count, s.draft_count, s.hole_count, c.revisions, c.drafts, c.holes)), '{}')
            FROM sessions s
            CROSS JOIN LATERAL (
                SELECT (SELECT count(*) FROM session_revisions r WHERE r.session_id = s.id) AS revisions,
                       (SELECT count(*) FROM session_drafts d WHERE d.session_id = s.id) AS drafts,
                       (SELECT count(*) FROM hole_resolutions h WHERE h.session_id = s.id) AS holes
            ) c
            WHERE (s.revision_count, s.draft_count, s.hole_count) <> (c.revisions, c.drafts, c.holes)
            """))!;
}
