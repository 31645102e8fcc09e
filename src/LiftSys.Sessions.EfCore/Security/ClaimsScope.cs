namespace LiftSys.Sessions.EfCore.Security;

/// <summary>How long the role and claims the library sets on a connection last.</summary>
public enum ClaimsScope
{
    /// <summary>
    /// Set for the rest of the connection (<c>set_config(…, false)</c>) by the first command sent on it, riding in that
    /// command's batch (no round trip of its own), and again only when the acting actor changes. Right for direct
    /// connections and session-mode poolers (Supabase port 5432), where Npgsql's reset on returning a connection to its
    /// pool (<c>DISCARD ALL</c>) clears them again.
    /// </summary>
    Connection = 0,

    /// <summary>
    /// Set for one transaction only (<c>set_config(…, true)</c>), so they vanish at COMMIT or ROLLBACK: sent with the
    /// transaction's first command (and Npgsql's deferred BEGIN), or, for a command outside an explicit transaction, with
    /// that command itself, whose batch is one implicit transaction. Required behind a transaction-mode pooler (Supabase
    /// Supavisor port 6543, PgBouncer <c>pool_mode=transaction</c>), where session-level settings would leak to the next
    /// client of the server connection. The library makes <c>SaveChanges</c> always use a transaction.
    /// </summary>
    Transaction,
}
