using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>A PostgreSQL server the test process started itself, and so stops at the end.</summary>
internal interface IThrowawayServer
{
    /// <summary>Gets where the server keeps its data on this machine, or <see langword="null"/> when not on this machine's file system.</summary>
    string? DataDirectory { get; }

    /// <summary>Gets a one-line description for the run's log: where the server runs and from what.</summary>
    string Description { get; }

    /// <summary>Creates the superuser connection string (to the maintenance database).</summary>
    NpgsqlConnectionStringBuilder CreateSuperuserConnectionString();

    /// <summary>Stops the server and removes what it left; safe to call more than once.</summary>
    Task StopAsync();
}
