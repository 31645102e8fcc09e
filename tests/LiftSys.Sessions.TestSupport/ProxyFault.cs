namespace LiftSys.Sessions.TestSupport;

/// <summary>What <see cref="FaultInjectingProxy"/> does with the next commit point it sees: an explicit COMMIT, or the Sync that commits an implicit transaction that writes.</summary>
public enum ProxyFault
{
    /// <summary>Forwards the COMMIT, waits for the server's answer, withholds it and drops the connection: the transaction is committed, the client cannot know.</summary>
    DropAfterCommit,

    /// <summary>As <see cref="DropAfterCommit"/>, and then refuses every new connection until <see cref="FaultInjectingProxy.Heal"/>: the client cannot find out either.</summary>
    DropAfterCommitThenRefuse,

    /// <summary>Drops the connection instead of forwarding the COMMIT: the server rolls the transaction back.</summary>
    DropBeforeCommit,
}
