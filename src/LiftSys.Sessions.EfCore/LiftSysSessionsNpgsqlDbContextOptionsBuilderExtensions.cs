using LiftSys.Sessions.EfCore.Migrations;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace LiftSys.Sessions.EfCore;

/// <summary>Npgsql options for <see cref="SessionsDbContext"/>.</summary>
public static class LiftSysSessionsNpgsqlDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Points migrations at <see cref="SessionsDbContext"/>'s assembly and its own history table
    /// (<see cref="SessionsDbContext.MigrationsHistoryTable"/>), so the library's migrations never mix with a host's. The
    /// history table is created with row-level security on and no privilege for Supabase's API roles.
    /// </summary>
    /// <param name="builder">The Npgsql options builder passed to <c>UseNpgsql</c>.</param>
    /// <returns>The same builder, so that further configuration can be chained.</returns>
    public static NpgsqlDbContextOptionsBuilder UseLiftSysSessionsMigrations(this NpgsqlDbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ((IRelationalDbContextOptionsBuilderInfrastructure)builder).OptionsBuilder
            .ReplaceService<IHistoryRepository, LiftSysSessionsHistoryRepository>();
        return builder
            .MigrationsAssembly(typeof(SessionsDbContext).Assembly.GetName().Name)
            .MigrationsHistoryTable(SessionsDbContext.MigrationsHistoryTable);
    }
}
