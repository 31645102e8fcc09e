namespace LiftSys.Sessions;

/// <summary>Which limit an operation ran into when <see cref="SessionStoreTimeoutException"/> is thrown.</summary>
public enum SessionStoreTimeoutLimit
{
    /// <summary>The client's command timeout (<c>LiftSysSessionsOptions.CommandTimeout</c>) elapsed before the server answered, often while waiting for a row another transaction holds.</summary>
    CommandTimeout,

    /// <summary>No connection became free in the pool within its <c>Timeout</c> (every connection up to <c>Max Pool Size</c> was in use).</summary>
    PoolTimeout,

    /// <summary>The server's <c>lock_timeout</c> elapsed while waiting for a lock (SQLSTATE <c>55P03</c>).</summary>
    LockTimeout,

    /// <summary>The server's <c>statement_timeout</c> cancelled the statement (SQLSTATE <c>57014</c>).</summary>
    StatementTimeout,
}
