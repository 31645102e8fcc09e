using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// Counts the COMMITs EF Core sends for the contexts it is added to: one round trip each, which Npgsql's tracing (and so
/// <see cref="LiftSys.Sessions.TestSupport.RoundTripCounter"/>) does not show.
/// </summary>
internal sealed class CommitCounter : DbTransactionInterceptor
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public void Reset() => Interlocked.Exchange(ref count, 0);

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Interlocked.Increment(ref count);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref count);
        return Task.CompletedTask;
    }
}
