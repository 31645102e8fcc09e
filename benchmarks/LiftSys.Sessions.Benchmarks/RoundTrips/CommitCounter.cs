using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LiftSys.Sessions.Benchmarks.RoundTrips;

/// <summary>
/// Counts the library's COMMITs on one database from EF Core's <see cref="DiagnosticListener"/>
/// (<see cref="RelationalEventId.TransactionCommitted"/>): Npgsql does not trace COMMIT as a command, and the library's
/// host does not take interceptors of a benchmark's own, but every explicit transaction the store commits goes through
/// EF's <c>Database.BeginTransaction</c> and raises this event.
/// </summary>
internal sealed class CommitCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly string Committed = RelationalEventId.TransactionCommitted.Name!;

    private readonly string database;
    private readonly IDisposable allListeners;
    private readonly List<IDisposable> subscriptions = [];
    private int count;

    public CommitCounter(string database)
    {
        this.database = database;
        allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public int Count => Volatile.Read(ref count);

    public void Reset() => Interlocked.Exchange(ref count, 0);

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (subscriptions)
            {
                subscriptions.Add(value.Subscribe(this, name => name == Committed));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == Committed && value.Value is TransactionEndEventData data && data.Context?.Database.GetDbConnection().Database == database)
        {
            Interlocked.Increment(ref count);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        allListeners.Dispose();
        lock (subscriptions)
        {
            subscriptions.ForEach(s => s.Dispose());
        }
    }
}
