using LiftSys.Sessions.EfCore;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// Builds a <see cref="SessionsDbContext"/> configured the way a host would: the library's own migrations, and its data
/// source configured as the library configures its own (<c>ConfigureLiftSysSessions</c>).
/// </summary>
public static class SessionsDbContextFactory
{
    /// <summary>
    /// Creates a context over <paramref name="connectionString"/> with <c>UseNpgsql(…, o =&gt;
    /// o.UseLiftSysSessionsMigrations().ConfigureDataSource(b =&gt; b.ConfigureLiftSysSessions()))</c>. Nothing connects
    /// until the context is used, so model-only checks (pending model changes, the migration list) may pass a
    /// placeholder such as <c>Host=unused</c>.
    /// </summary>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <returns>A new context; the caller disposes it.</returns>
    public static SessionsDbContext Create(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var options = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.UseLiftSysSessionsMigrations().ConfigureDataSource(b => b.ConfigureLiftSysSessions()))
            .Options;
        return new SessionsDbContext(options);
    }
}
