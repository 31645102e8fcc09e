using System.Collections.Concurrent;
using System.Diagnostics;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// Counts the commands Npgsql sends to one database, from Npgsql's own <see cref="ActivitySource"/> ("Npgsql"): one
/// activity per command execution, which is one network round trip (Npgsql's deferred BEGIN rides along with the next
/// command and is not a round trip of its own). Only activities for <see cref="Database"/> are counted, so tests running
/// in parallel on other databases do not disturb the count.
/// </summary>
public sealed class RoundTripCounter : IDisposable
{
    private readonly ActivityListener listener;
    private readonly ConcurrentQueue<string> commands = new();

    /// <summary>Starts counting commands sent to <paramref name="database"/>.</summary>
    /// <param name="database">The database name (Npgsql's <c>db.namespace</c> tag).</param>
    public RoundTripCounter(string database)
    {
        Database = database;
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(listener);
    }

    /// <summary>Gets the database whose commands are counted.</summary>
    public string Database { get; }

    /// <summary>Gets the number of commands counted since creation or the last <see cref="Reset"/>.</summary>
    public int Count => commands.Count;

    /// <summary>Gets the SQL of the commands counted, in order.</summary>
    public IReadOnlyList<string> Commands => commands.ToArray();

    /// <summary>Forgets what was counted so far.</summary>
    public void Reset() => commands.Clear();

    /// <inheritdoc />
    public void Dispose() => listener.Dispose();

    private void OnStopped(Activity activity)
    {
        // Physical connection opens are traced too (operation name "CONNECT …"); they are not commands. A batch is one
        // activity (one round trip) whatever it holds.
        if (Equals(activity.GetTagItem("db.namespace"), Database) && !activity.OperationName.StartsWith("CONNECT", StringComparison.Ordinal))
        {
            commands.Enqueue(activity.GetTagItem("db.query.text") as string ?? $"<{activity.DisplayName}>");
        }
    }
}
