using Microsoft.EntityFrameworkCore.Storage;

namespace LiftSys.Sessions.EfCore.Store;

/// <summary>
/// What identifies one write for its whole call, across every attempt, and how to find it once stored: ids are fixed
/// before the first attempt, so an attempt whose COMMIT may have gone through can be looked up rather than repeated.
/// </summary>
/// <typeparam name="T">What the operation returns.</typeparam>
/// <param name="Operation">The operation's name (as in the store's metrics), for <see cref="SessionWriteOutcomeUnknownException"/>.</param>
/// <param name="SessionId">The session written to; for a create, the new session's id.</param>
/// <param name="WriteId">The id of the row the write creates (revision, draft, resolution), if any.</param>
/// <param name="FindStored">
/// Reads, on a connection outside any transaction, whether this call's write is stored; successful with the stored
/// result when it is, unsuccessful when it is not.
/// </param>
internal sealed record StoreWrite<T>(
    string Operation, Guid SessionId, Guid? WriteId, Func<SessionsDbContext, CancellationToken, Task<ExecutionResult<T>>> FindStored);
