namespace LiftSys.Sessions.TestSupport;

/// <summary>Where the run's PostgreSQL server comes from (see <see cref="TestEnvironment"/>).</summary>
public enum TestBackend
{
    /// <summary>An existing server named by <see cref="TestEnvironment.ConnectionStringVariable"/>, used as is.</summary>
    External,

    /// <summary>A throwaway cluster started from the PostgreSQL binaries installed on this machine.</summary>
    Local,

    /// <summary>
    /// A throwaway container started with Testcontainers from <see cref="TestEnvironment.ImageVariable"/>
    /// (default <see cref="TestEnvironment.DefaultImage"/>).
    /// </summary>
    Container,
}
