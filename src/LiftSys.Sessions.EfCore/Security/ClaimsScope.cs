namespace LiftSys.Sessions.EfCore.Security;

/// <summary>How long the role and claims the library sets on a connection last.</summary>
public enum ClaimsScope
{
    /// <summary>
    /// Set once each time a connection is opened (<c>set_config(…, false)</c>): one round trip per connection open.
    /// Right for direct connections and session-mode poolers (Supabase port 5432), where Npgsql's reset on returning a
    /// connection to its pool (<c>DISCARD ALL</c>) clears them again.
    /// </summary>
    Connection = 0,

    /// <summary>
    /// Set at the start of each transaction (<c>set_config(…, true)</c>), so they vanish at COMMIT or ROLLBACK: one
    /// round trip per transaction, with Npgsql's deferred BEGIN riding along. Required behind a transaction-mode pooler
    /// (Supabase Supavisor port 6543, PgBouncer <c>pool_mode=transaction</c>), where session-level settings would leak
    /// to the next client of the server connection. Every command must then run inside a transaction; the library makes
    /// <c>SaveChanges</c> always use one and refuses commands outside one.
    /// </summary>
    Transaction,
}
