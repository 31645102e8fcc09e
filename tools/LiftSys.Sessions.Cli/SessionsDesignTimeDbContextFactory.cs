using LiftSys.Sessions.EfCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LiftSys.Sessions.Cli;

/// <summary>
/// Lets <c>dotnet ef</c> create the library's context with this tool as the startup project
/// (<c>dotnet ef migrations list --project src/LiftSys.Sessions.EfCore --startup-project tools/LiftSys.Sessions.Cli</c>):
/// the same context and migrations configuration the tool's own commands use, so both produce the same script.
/// </summary>
/// <remarks>
/// The connection string comes from <c>--connection &lt;string&gt;</c> after <c>--</c> on the <c>dotnet ef</c> command
/// line, else from <see cref="CliEnvironment.ConnectionVariable"/>. Without either the context has no connection, which
/// is all <c>migrations script</c> and <c>has-pending-model-changes</c> need; <c>migrations list</c> then says it
/// cannot tell which migrations are applied.
/// </remarks>
internal sealed class SessionsDesignTimeDbContextFactory : IDesignTimeDbContextFactory<SessionsDbContext>
{
    private const string ConnectionArgument = "--connection";

    /// <inheritdoc/>
    public SessionsDbContext CreateDbContext(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return SessionsDbContextFactory.Create(FindConnectionString(args, Environment.GetEnvironmentVariable));
    }

    /// <summary>The value after <c>--connection</c> in <paramref name="args"/>, else the environment's, else null.</summary>
    internal static string? FindConnectionString(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (string.Equals(args[i], ConnectionArgument, StringComparison.Ordinal))
            {
                return args[i + 1];
            }
        }

        var fromEnvironment = getEnvironmentVariable(CliEnvironment.ConnectionVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? null : fromEnvironment;
    }
}
