using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.Cli.Tests;

/// <summary>
/// The migrations the library assembly contains, read the way EF reads them, so tests follow whatever migrations
/// exist instead of naming them.
/// </summary>
internal static class KnownMigrations
{
    public static IReadOnlyList<string> Ids()
    {
        using var context = SessionsDbContextFactory.CreateWithoutDatabase();
        return [.. context.Database.GetMigrations()];
    }

    /// <summary>The name part of a migration id (<c>20251019120001_CreateSessionsTable</c> → <c>CreateSessionsTable</c>).</summary>
    public static string NameOf(string id) => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..];
}
