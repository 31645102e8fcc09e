using Npgsql;

namespace LiftSys.Sessions.EfCore.Store.Fallback;

/// <summary>
/// Tells whether PostgreSQL accepts connections now: opens one fresh physical connection (never from the library's
/// pool, which may be exhausted or hold dead connections) and closes it. Opening is the handshake and authentication,
/// so a server that answers it is reachable, whatever any one operation ran into. Concurrent checks share one attempt.
/// </summary>
internal sealed class PostgresConnectivityProbe
{
    private readonly string connectionString;
    private readonly Lock sync = new();
    private Task<Exception?>? inFlight;

    public PostgresConnectivityProbe(string connectionString, TimeSpan timeout)
    {
        connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            Multiplexing = false,
            Timeout = (int)Math.Ceiling(timeout.TotalSeconds),
        }.ConnectionString;
        this.connectionString = connectionString;
    }

    /// <summary>Checks whether PostgreSQL accepts a new connection.</summary>
    /// <param name="cancellationToken">Stops waiting; the shared attempt itself runs to its timeout.</param>
    /// <returns><see langword="null"/> when it does; else the failure that shows it does not.</returns>
    public Task<Exception?> CheckAsync(CancellationToken cancellationToken)
    {
        Task<Exception?> check;
        lock (sync)
        {
            if (inFlight is null || inFlight.IsCompleted)
            {
                inFlight = OpenAsync();
            }

            check = inFlight;
        }

        return check.WaitAsync(cancellationToken);
    }

    private async Task<Exception?> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                return null;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                return PostgresOutageClassifier.IsUnreachableOnOpen(ex) ? ex : null;
            }
        }
    }
}
