using System.CommandLine;
using LiftSys.Sessions.EfCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LiftSys.Sessions.Cli;

/// <summary>
/// <c>export-supabase</c>: writes each migration as a Supabase CLI migration file
/// (<c>supabase/migrations/&lt;timestamp&gt;_&lt;name&gt;.sql</c>), for <c>supabase db push</c>. Needs no database.
/// </summary>
/// <remarks>
/// Each file holds one migration's Up SQL without transaction statements (the Supabase CLI runs every file in a
/// transaction of its own) and ends with the INSERT into <see cref="SessionsDbContext.MigrationsHistoryTable"/> that EF
/// runs itself, so a database migrated by the Supabase CLI is also migrated as far as <c>migrate</c> and <c>list</c>
/// are concerned. The first file also creates that history table.
/// </remarks>
internal sealed class ExportSupabaseCommand : Command
{
    /// <summary>Where the Supabase CLI looks for migrations, relative to the project directory.</summary>
    public const string DefaultDirectory = "supabase/migrations";

    private readonly CliEnvironment environment;

    private readonly Option<DirectoryInfo> output = new("--output", "-o")
    {
        Description = "Directory to write the migration files to; created when missing. Files of the same name are overwritten, others are left alone.",
        HelpName = "directory",
        DefaultValueFactory = _ => new DirectoryInfo(DefaultDirectory),
    };

    public ExportSupabaseCommand(CliEnvironment environment)
        : base("export-supabase", "Write one Supabase CLI migration file per migration (for `supabase db push`). Needs no database.")
    {
        this.environment = environment;
        Options.Add(output);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var directory = parseResult.GetValue(output) ?? new DirectoryInfo(DefaultDirectory);

        // Generate every file before writing any, so a failure leaves the directory as it was.
        var files = new List<(string Name, string Sql)>();
        await using (var context = SessionsDbContextFactory.CreateWithoutDatabase())
        {
            var migrator = context.GetService<IMigrator>();
            string? previous = null;
            foreach (var id in context.Database.GetMigrations())
            {
                // From the previous migration (or an empty database for the first, which adds the history table) to
                // this one: exactly this migration's Up SQL, with the history INSERT EF would run after it.
                var sql = migrator.GenerateScript(previous, id, MigrationsSqlGenerationOptions.NoTransactions);
                EnsureRecordsItself(id, sql);
                // LF everywhere, so the files are byte-for-byte the same whichever OS exported them.
                files.Add((SupabaseMigrationFileName.For(id), (Header(id) + sql).ReplaceLineEndings("\n")));
                previous = id;
            }
        }

        if (files.Count == 0)
        {
            await environment.Output.WriteLineAsync("No migrations; nothing written.");
            return CliApp.Success;
        }

        directory.Create();
        foreach (var (name, sql) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, name), sql, cancellationToken);
            await environment.Output.WriteLineAsync(name);
        }

        await environment.Output.WriteLineAsync($"Wrote {files.Count} migration file(s) to {directory.FullName}.");
        return CliApp.Success;
    }

    // No date or tool version: exporting the same migrations twice must give the same bytes, so a diff of the
    // committed files shows only what changed.
    private static string Header(string id) =>
        $"-- LiftSys.Sessions migration {id}, written by `liftsys-sessions export-supabase`.\n" +
        "-- Regenerate it rather than edit it: the library's own `migrate` runs the same migration from its assembly.\n\n";

    /// <summary>
    /// Refuses a script that does not record its migration: applied by the Supabase CLI, it would leave EF believing the
    /// migration pending, and the next <c>migrate</c> would run it a second time.
    /// </summary>
    private static void EnsureRecordsItself(string id, string sql)
    {
        var insert = $"INSERT INTO {SessionsDbContext.MigrationsHistoryTable}";
        var at = sql.LastIndexOf(insert, StringComparison.Ordinal);
        if (at < 0 || !sql.AsSpan(at).Contains($"'{id}'", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The SQL generated for migration '{id}' does not record it in {SessionsDbContext.MigrationsHistoryTable}.");
        }
    }
}
