using System.Text.Json;
using Npgsql;

namespace LiftSys.Sessions.EfCore;

/// <summary>Configures an <see cref="NpgsqlDataSourceBuilder"/> for <see cref="SessionsDbContext"/>.</summary>
public static class LiftSysSessionsNpgsqlDataSourceBuilderExtensions
{
    // Npgsql reads and writes JsonElement with System.Text.Json, whose default depth limit (64) is far below what jsonb
    // stores (PostgreSQL bounds it only by max_stack_depth: about 14,500 levels at the 2 MB default). The copy of the
    // defaults keeps their type info resolver, without which Npgsql cannot read JsonElement at all.
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerOptions.Default) { MaxDepth = int.MaxValue };

    /// <summary>
    /// Configures a data source the way the library configures its own: <c>jsonb</c> values are read (and written back)
    /// at any depth PostgreSQL stores, so a row another client wrote with JSON nested deeper than System.Text.Json's
    /// default of 64 levels is read like any other instead of failing the whole query. What the library accepts as
    /// input is still limited to 64 levels (<see cref="ValidationRule.MaxDepth"/>).
    /// </summary>
    /// <remarks>
    /// <c>AddLiftSysSessions</c> applies it to the data source it builds. A host that builds <see cref="SessionsDbContext"/>
    /// itself applies it with <c>UseNpgsql(connectionString, o =&gt; o.ConfigureDataSource(b =&gt; b.ConfigureLiftSysSessions()))</c>,
    /// or to the data source it passes to <c>UseNpgsql</c>. It replaces the builder's JSON serializer options.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder, so that further configuration can be chained.</returns>
    public static NpgsqlDataSourceBuilder ConfigureLiftSysSessions(this NpgsqlDataSourceBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureJsonOptions(JsonOptions);
        return builder;
    }
}
