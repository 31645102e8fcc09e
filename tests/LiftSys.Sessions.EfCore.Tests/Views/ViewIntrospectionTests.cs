using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Views;

/// <summary>
/// The views of migration 007 read back from pg_catalog: security_invoker, grants, and columns that match the keyless
/// read models exactly; and the model snapshot that records those read models.
/// </summary>
public sealed class ViewIntrospectionTests
{
    private static readonly string[] Views = ["session_summary", "user_analytics", "recent_activity", "draft_validation_stats"];

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
    public async Task Views_are_exactly_the_spec_four_each_with_security_invoker()
    {
        var options = await ReadAsync(
            "SELECT relname, array_to_string(reloptions, ',') FROM pg_class WHERE relkind = 'v' AND relnamespace = 'public'::regnamespace",
            r => (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)));

        Assert.That(options, Is.EquivalentTo(Views.Select(v => (v, (string?)"security_invoker=true"))));
    }

    [Test]
    public async Task Only_authenticated_and_service_role_may_select_and_nobody_may_write()
    {
        var privileges = await ReadAsync(
            """
            SELECT v || ':' || r || ':' || p
            FROM unnest($1::text[]) AS v, unnest(ARRAY['public', 'anon', 'authenticated', 'service_role']) AS r,
                 unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
            WHERE has_table_privilege(r, v, p)
            """,
            r => r.GetString(0),
            [Views]);

        Assert.That(privileges, Is.EquivalentTo(
            from view in Views from role in new[] { "authenticated", "service_role" } select $"{view}:{role}:SELECT"));
    }

    [Test]
    public async Task Read_models_map_every_view_column_with_its_database_type()
    {
        using var context = SessionsDbContextFactory.Create("Host=unused");
        var mapped = context.Model.GetRelationalModel().Views
            .SelectMany(v => v.Columns.Select(c => $"{v.Name}.{c.Name} {c.StoreType}"))
            .ToArray();

        var actual = await ReadAsync(
            """
            SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
            """,
            r => r.GetString(0),
            [Views]);

        Assert.That(mapped, Is.EquivalentTo(actual).And.Not.Empty);
    }

    [Test]
    public void Model_snapshot_records_the_read_models_as_the_model_maps_them()
    {
        using var context = SessionsDbContextFactory.Create("Host=unused");
        var snapshot = context.GetService<IMigrationsAssembly>().ModelSnapshot!.Model;
        if (snapshot is IMutableModel mutable)
        {
            snapshot = mutable.FinalizeModel();
        }

        snapshot = context.GetService<IModelRuntimeInitializer>().Initialize(snapshot, designTime: true);
        var model = context.GetService<IDesignTimeModel>().Model;

        Assert.Multiple(() =>
        {
            Assert.That(ViewColumns(snapshot), Is.EquivalentTo(ViewColumns(model)).And.Length.EqualTo(18 + 15 + 8 + 12));
            Assert.That(ViewColumns(model).Select(c => c.Split('.')[0]).Distinct(), Is.EquivalentTo(Views));

            // The migrations differ compares tables; views, like the read models' entity types, are not among them, so
            // adding or changing a read model never produces a migration operation.
            Assert.That(model.GetRelationalModel().Tables.Select(t => t.Name), Has.None.AnyOf(Views));
            Assert.That(
                context.GetService<IMigrationsModelDiffer>().GetDifferences(snapshot.GetRelationalModel(), model.GetRelationalModel()),
                Is.Empty);
        });
    }

    private static string[] ViewColumns(IModel model) =>
        model.GetRelationalModel().Views
            .SelectMany(v => v.Columns.Select(c => $"{v.Name}.{c.Name} {c.StoreType} {(c.IsNullable ? "null" : "not null")}"))
            .ToArray();

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
