using System.CommandLine;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LiftSys.Sessions.Cli;

/// <summary><c>migrate</c>: applies (or, with an older <c>--to</c>, reverts) migrations on a database.</summary>
internal sealed class MigrateCommand : Command
{
    private readonly CliEnvironment environment;
    private readonly Option<string?> connection;

    private readonly Option<string?> to = new("--to")
    {
        Description = "Migration (id or name) to migrate to; an older one than the database has reverts, 0 reverts all. Default: the latest.",
        HelpName = "migration",
    };

    public MigrateCommand(CliEnvironment environment)
        : base("migrate", "Apply the migrations to a database.")
    {
        this.environment = environment;
        connection = ConnectionOption.AddTo(this, environment);
        Options.Add(to);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var connectionString = environment.GetConnectionString(parseResult.GetValue(connection));
        var target = parseResult.GetValue(to);
        var targetText = target ?? "the latest migration";
        await environment.Output.WriteLineAsync(
            $"Migrating {ConnectionStringRedaction.MaskPassword(connectionString)} to {targetText}.");

        var changed = 0;
        await using var context = SessionsDbContextFactory.Create(connectionString, options => options.LogTo(
            (eventId, _) => eventId == RelationalEventId.MigrationApplying || eventId == RelationalEventId.MigrationReverting,
            eventData =>
            {
                // EF raises these just before it runs each migration's commands, so progress shows as it happens.
                if (eventData is MigrationEventData { Migration: var migration })
                {
                    var verb = eventData.EventId == RelationalEventId.MigrationReverting ? "Reverting" : "Applying";
                    environment.Output.WriteLine($"{verb} {IdOf(migration)}");
                    changed++;
                }
            }));
        await context.GetService<IMigrator>().MigrateAsync(target, cancellationToken);

        await environment.Output.WriteLineAsync(
            changed == 0 ? "The database is already up to date." : $"Done: {changed} migration(s) run.");
        return CliApp.Success;
    }

    private static string IdOf(Migration migration) =>
        migration.GetType().GetCustomAttribute<MigrationAttribute>()?.Id ?? migration.GetType().Name;
}
