using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Schema;

/// <summary>The applied schema, read back from pg_catalog, matches schema v1 column by column and index by index.</summary>
public sealed class SchemaIntrospectionTests
{
    private TestDatabase database = null!;
    private NpgsqlConnection connection = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        database = await TestDatabase.CreateAsync();
        connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await connection.DisposeAsync();
        await database.DisposeAsync();
    }

    [Test]
    public async Task Tables_are_exactly_the_four_of_the_spec_plus_the_history_table()
    {
        var tables = await ReadAsync(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
            r => r.GetString(0));

        Assert.That(tables, Is.EquivalentTo(SchemaV1.Tables.Append(SessionsDbContext.MigrationsHistoryTable)));
    }

    [Test]
    public async Task Columns_match_the_spec_in_name_order_type_nullability_and_default()
    {
        var actual = await ReadAsync(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = 'public' AND c.relname = ANY(@p0) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY array_position(@p0, c.relname::text), a.attnum
            """,
            r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), r.IsDBNull(4) ? null : r.GetString(4)),
            SchemaV1.Tables);

        Assert.That(actual, Is.EqualTo(SchemaV1.Columns));
    }

    [Test]
    public async Task Every_named_index_of_the_spec_exists_with_its_method_and_column_order()
    {
        var actual = (await ReadAsync(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'idx\\_%'",
            r => (r.GetString(0), r.GetString(1)))).ToDictionary(p => p.Item1, p => p.Item2);

        Assert.Multiple(() =>
        {
            foreach (var (name, definition) in SchemaV1.Indexes)
            {
                Assert.That(actual.GetValueOrDefault(name), Is.EqualTo(definition), name);
            }

            Assert.That(actual.Keys, Is.EquivalentTo(SchemaV1.Indexes.Select(i => i.Name)), "no index beyond the spec's");
        });
    }

    [Test]
    public async Task Keys_unique_constraints_and_foreign_keys_match_the_spec()
    {
        var actual = await ReadAsync(
            """
            SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname = ANY(@p0) AND k.contype IN ('p', 'u', 'f')
            """,
            r => (r.GetString(0), r.GetString(1), r.GetString(2)),
            SchemaV1.Tables);

        Assert.That(actual, Is.EquivalentTo(SchemaV1.KeysAndReferences));
    }

    [Test]
    public async Task Every_foreign_key_has_an_index_that_leads_with_its_columns()
    {
        // Supabase's linter rule 0001 (unindexed_foreign_keys): without one, a delete of the referenced row scans the table.
        var unindexed = await ReadAsync(
            """
            SELECT k.conname
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND k.contype = 'f'
              AND NOT EXISTS (
                  SELECT FROM pg_index i
                  WHERE i.indrelid = k.conrelid
                    AND (SELECT array_agg(col ORDER BY col) FROM unnest((i.indkey::int2[])[0:cardinality(k.conkey) - 1]) col)
                        = (SELECT array_agg(col ORDER BY col) FROM unnest(k.conkey) col))
            """,
            r => r.GetString(0));

        Assert.That(unindexed, Is.Empty);
    }

    [Test]
    public async Task Check_constraints_cover_every_rule_of_the_spec()
    {
        var actual = await ReadAsync(
            """
            SELECT k.conname
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname = ANY(@p0) AND k.contype = 'c'
            """,
            r => r.GetString(0),
            SchemaV1.Tables);

        Assert.That(actual, Is.EquivalentTo(new[]
        {
            "sessions_status_check", "sessions_source_check", "sessions_original_input_check",
            "session_revisions_revision_number_check", "session_revisions_source_check",
            "session_drafts_draft_number_check", "session_drafts_source_check", "session_drafts_code_content_check",
            "hole_resolutions_hole_type_check", "hole_resolutions_resolution_method_check", "hole_resolutions_confidence_score_check",
        }));
    }

    [Test]
    public async Task Tables_are_owned_by_the_migrating_role_not_a_superuser()
    {
        var owners = await ReadAsync(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY(@p0)",
            r => r.GetString(0),
            SchemaV1.Tables);

        Assert.That(owners, Is.EqualTo(new[] { PostgresServer.OwnerRole }));
    }

    private async Task<List<T>> ReadAsync<T>(string sql, Func<NpgsqlDataReader, T> map, string[]? tables = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (tables is not null)
        {
            command.Parameters.AddWithValue("p0", tables);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
