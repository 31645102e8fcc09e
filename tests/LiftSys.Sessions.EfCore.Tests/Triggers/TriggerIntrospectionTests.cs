using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Triggers;

/// <summary>
/// The triggers and trigger functions of migration 006, read back from pg_catalog: the spec's names, tables, timing and
/// events, and functions that are safe to run as their owner.
/// </summary>
public sealed class TriggerIntrospectionTests
{
    private static readonly string[] CounterFunctions =
        ["update_session_revision_count", "update_session_draft_count", "update_session_hole_count"];

    private static readonly string[] ApiRoles = ["anon", "authenticated", "service_role"];

    /// <summary>
    /// Every trigger as pg_get_triggerdef prints it. The spec's seven (updated_at, and insert/delete per child table)
    /// plus an UPDATE OF session_id and a TRUNCATE trigger per child table, which keep the counters exact on the two
    /// other paths by which a child row can leave a session.
    /// </summary>
    private static readonly (string Name, string Definition)[] Triggers =
    [
        ("trigger_sessions_updated_at",
            "CREATE TRIGGER trigger_sessions_updated_at BEFORE UPDATE ON public.sessions FOR EACH ROW EXECUTE FUNCTION liftsys_sessions_set_updated_at()"),
        .. CounterTriggers("session_revisions", "trigger_revisions_count", "update_session_revision_count"),
        .. CounterTriggers("session_drafts", "trigger_drafts_count", "update_session_draft_count"),
        .. CounterTriggers("hole_resolutions", "trigger_resolutions_count", "update_session_hole_count"),
    ];

    private TestDatabase database = null!;
    private NpgsqlConnection connection = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        database = await TestDatabase.CreateAsync();
        connection = await database.OpenOwnerConnectionAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await connection.DisposeAsync();
        await database.DisposeAsync();
    }

    [Test]
    public async Task Triggers_have_the_spec_names_tables_timing_events_and_functions()
    {
        var actual = await ReadAsync(
            "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal",
            r => (r.GetString(0), r.GetString(1)));

        Assert.That(actual, Is.EquivalentTo(Triggers));
    }

    [Test]
    public async Task Counter_functions_are_security_definer_owned_by_the_tables_owner_with_an_empty_search_path()
    {
        var actual = await ReadAsync(
            """
            SELECT p.proname, p.prosecdef, p.proconfig, p.proowner = (SELECT relowner FROM pg_class WHERE oid = 'sessions'::regclass)
            FROM pg_proc p WHERE p.proname = ANY($1) AND p.pronamespace = 'public'::regnamespace
            """,
            r => (r.GetString(0), r.GetBoolean(1), r.GetFieldValue<string[]>(2), r.GetBoolean(3)),
            [CounterFunctions]);

        Assert.That(actual, Is.EquivalentTo(CounterFunctions.Select(f => (f, true, new[] { "search_path=\"\"" }, true))));
    }

    [Test]
    public async Task Updated_at_function_runs_as_the_caller_with_an_empty_search_path()
    {
        var (definer, config) = (await ReadAsync(
            "SELECT prosecdef, proconfig FROM pg_proc WHERE oid = 'liftsys_sessions_set_updated_at()'::regprocedure",
            r => (r.GetBoolean(0), r.GetFieldValue<string[]>(1)))).Single();

        Assert.That((definer, config), Is.EqualTo((false, new[] { "search_path=\"\"" })));
    }

    [Test]
    public async Task Trigger_functions_cannot_be_executed_by_public_or_the_api_roles()
    {
        var executable = await ReadAsync(
            """
            SELECT p.proname || ':' || r.rolname
            FROM pg_proc p CROSS JOIN unnest($2::text[]) AS r(rolname)
            WHERE p.proname = ANY($1) AND has_function_privilege(r.rolname, p.oid, 'EXECUTE')
            """,
            r => r.GetString(0),
            [CounterFunctions.Append("liftsys_sessions_set_updated_at").ToArray(), ApiRoles.Append("public").ToArray()]);

        Assert.That(executable, Is.Empty);
    }

    private static IEnumerable<(string Name, string Definition)> CounterTriggers(string table, string prefix, string function) =>
    [
        ($"{prefix}_insert",
            $"CREATE TRIGGER {prefix}_insert AFTER INSERT ON public.{table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()"),
        ($"{prefix}_delete",
            $"CREATE TRIGGER {prefix}_delete AFTER DELETE ON public.{table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()"),
        ($"{prefix}_update",
            $"CREATE TRIGGER {prefix}_update AFTER UPDATE OF session_id ON public.{table} FOR EACH ROW WHEN ((old.session_id IS DISTINCT FROM new.session_id)) EXECUTE FUNCTION {function}()"),
        ($"{prefix}_truncate",
            $"CREATE TRIGGER {prefix}_truncate AFTER TRUNCATE ON public.{table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"),
    ];

    private async Task<List<T>> ReadAsync<T>(string sql, Func<NpgsqlDataReader, T> read, object[]? parameters = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters ?? [])
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
