using System.CommandLine;

namespace LiftSys.Sessions.Cli;

/// <summary>The <c>--connection</c> option shared by the commands that talk to a database.</summary>
internal static class ConnectionOption
{
    /// <summary>
    /// Creates the option and adds it to <paramref name="command"/>, with a validator that makes a missing connection
    /// string (neither the option nor <see cref="CliEnvironment.ConnectionVariable"/>) a usage error.
    /// </summary>
    public static Option<string?> AddTo(Command command, CliEnvironment environment)
    {
        // No DefaultValueFactory reading the environment variable: help prints default values, password included.
        var option = new Option<string?>("--connection", "-c")
        {
            Description = $"Npgsql connection string of the target database. Defaults to ${CliEnvironment.ConnectionVariable}.",
            HelpName = "connection-string",
        };
        command.Options.Add(option);
        command.Validators.Add(result =>
        {
            if (environment.FindConnectionString(result.GetValue(option)) is null)
            {
                result.AddError($"A connection string is required: pass --connection or set {CliEnvironment.ConnectionVariable}.");
            }
        });
        return option;
    }
}
