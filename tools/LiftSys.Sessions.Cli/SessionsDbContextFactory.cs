using LiftSys.Sessions.EfCore;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.Cli;

/// <summary>Builds the <see cref="SessionsDbContext"/> the commands work on.</summary>
internal static class SessionsDbContextFactory
{
    /// <summary>
    /// Creates a context for generating SQL only. It has no connection string, so any attempt to open a connection
    /// fails at once instead of silently reaching some default server: <c>script</c> must work with no database.
    /// </summary>
    public static SessionsDbContext CreateWithoutDatabase() => Create(connectionString: null);

    /// <summary>Creates a context on <paramref name="connectionString"/>, or without a connection when it is null.</summary>
    /// <param name="connectionString">The Npgsql connection string, or null for a context that never connects.</param>
    /// <param name="configure">Further configuration, e.g. logging hooks.</param>
    public static SessionsDbContext Create(
        string? connectionString,
        Action<DbContextOptionsBuilder<SessionsDbContext>>? configure = null)
    {
        var builder = new DbContextOptionsBuilder<SessionsDbContext>();
        if (connectionString is null)
        {
            builder.UseNpgsql(npgsql => npgsql.UseLiftSysSessionsMigrations());
        }
        else
        {
            builder.UseNpgsql(connectionString, npgsql => npgsql.UseLiftSysSessionsMigrations());
        }

        configure?.Invoke(builder);
        return new SessionsDbContext(builder.Options);
    }
}
