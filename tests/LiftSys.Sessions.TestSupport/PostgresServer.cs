using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// The PostgreSQL server a test run uses (see <see cref="TestEnvironment"/>): a throwaway cluster or container started
/// by the run, or an existing server named by <see cref="TestEnvironment.ConnectionStringVariable"/>.
/// </summary>
public sealed class PostgresServer
{
    /// <summary>
    /// The role that owns every test database and runs the migrations: LOGIN, but neither SUPERUSER, CREATEDB,
    /// CREATEROLE nor BYPASSRLS.
    /// </summary>
    public const string OwnerRole = "liftsys_owner";

    /// <summary>
    /// The role the application logs in as, shaped like Supabase's <c>authenticator</c>: LOGIN and NOINHERIT, with no
    /// rights of its own, allowed only to switch to <c>anon</c>, <c>authenticated</c> and <c>service_role</c>. Row-level
    /// security is only real for a login like this one: neither superuser, nor BYPASSRLS, nor the tables' owner.
    /// </summary>
    public const string AppRole = "liftsys_app";

    private const string LocalTemplateName = "liftsys_template";

    private readonly NpgsqlConnectionStringBuilder superuser;
    private readonly string? ownerPassword;
    private readonly IThrowawayServer? throwaway;

    private PostgresServer(NpgsqlConnectionStringBuilder superuser, Version version, TestBackend backend, IThrowawayServer? throwaway)
    {
        this.superuser = superuser;
        this.throwaway = throwaway;
        Version = version;
        Backend = backend;

        // The roles get the superuser's kind of authentication: none where the server trusts this machine (the local
        // cluster), a password where it asks for one (a container, an external server).
        ownerPassword = DeriveOwnerPassword(superuser);
        SuperuserConnectionString = superuser.ConnectionString;

        // An external server may be shared by several test processes at once (dotnet test runs test projects in
        // parallel), so there each process migrates and later drops a template of its own.
        Template = new MigratedTemplate(
            this,
            throwaway is null
                ? string.Create(CultureInfo.InvariantCulture, $"{LocalTemplateName}_{Environment.ProcessId}_{Random.Shared.Next():x8}")
                : LocalTemplateName);
    }

    /// <summary>Gets the superuser connection string (to its maintenance database).</summary>
    public string SuperuserConnectionString { get; }

    /// <summary>Gets the server version, e.g. 15.18.</summary>
    public Version Version { get; }

    /// <summary>
    /// Gets the data directory of the local throwaway cluster, or <see langword="null"/> for a container or an
    /// external server.
    /// </summary>
    public string? DataDirectory => throwaway?.DataDirectory;

    /// <summary>Gets where the server comes from.</summary>
    public TestBackend Backend { get; }

    /// <summary>Gets a value indicating whether the server came from <see cref="TestEnvironment.ConnectionStringVariable"/>.</summary>
    public bool IsExternal => Backend == TestBackend.External;

    /// <summary>Gets a one-line description of the server for the run's log, e.g. "PostgreSQL 15.18 in container postgres:15 (...)".</summary>
    public string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"PostgreSQL {Version} {throwaway?.Description ?? $"at {superuser.Host}:{superuser.Port} from {TestEnvironment.ConnectionStringVariable}"}");

    internal MigratedTemplate Template { get; }

    /// <summary>Builds a connection string to <paramref name="database"/> on this server as another role.</summary>
    /// <param name="database">The database name.</param>
    /// <param name="username">The role to log in as.</param>
    /// <param name="password">Its password, or <see langword="null"/> when the server trusts it (the throwaway cluster trusts everybody).</param>
    /// <returns>A connection string with the superuser's host, port and other settings.</returns>
    public string ConnectionString(string database, string username, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        ArgumentException.ThrowIfNullOrEmpty(username);
        return new NpgsqlConnectionStringBuilder(superuser.ConnectionString)
        {
            Database = database,
            Username = username,
            Password = password,
        }.ConnectionString;
    }

    /// <summary>Builds the superuser connection string to <paramref name="database"/>.</summary>
    /// <param name="database">The database name.</param>
    /// <returns>The superuser connection string with its database replaced.</returns>
    public string SuperuserConnectionStringFor(string database)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        return new NpgsqlConnectionStringBuilder(superuser.ConnectionString) { Database = database }.ConnectionString;
    }

    /// <summary>Builds the connection string of <see cref="OwnerRole"/> to <paramref name="database"/>.</summary>
    /// <param name="database">The database name.</param>
    /// <returns>A connection string that logs in as <see cref="OwnerRole"/>.</returns>
    public string OwnerConnectionString(string database) => ConnectionString(database, OwnerRole, ownerPassword);

    /// <summary>Builds the connection string of <see cref="AppRole"/> to <paramref name="database"/>.</summary>
    /// <param name="database">The database name.</param>
    /// <returns>A connection string that logs in as <see cref="AppRole"/>.</returns>
    public string AppConnectionString(string database) => ConnectionString(database, AppRole, ownerPassword);

    /// <summary>Opens a superuser connection to the maintenance database.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The open connection; the caller disposes it.</returns>
    public Task<NpgsqlConnection> OpenSuperuserConnectionAsync(CancellationToken cancellationToken = default) =>
        OpenAsync(SuperuserConnectionString, cancellationToken);

    /// <summary>Connects to a local throwaway cluster, or (with <see langword="null"/>) to an external server.</summary>
    internal static Task<PostgresServer> ConnectAsync(
        NpgsqlConnectionStringBuilder superuser,
        LocalPostgresCluster? cluster,
        CancellationToken cancellationToken) =>
        ConnectAsync(superuser, cluster is null ? TestBackend.External : TestBackend.Local, cluster, cancellationToken);

    /// <summary>Connects as <paramref name="superuser"/> and makes sure the roles every test database relies on exist.</summary>
    internal static async Task<PostgresServer> ConnectAsync(
        NpgsqlConnectionStringBuilder superuser,
        TestBackend backend,
        IThrowawayServer? throwaway,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(superuser.ConnectionString, cancellationToken);
        var isSuperuser = await connection.ScalarAsync<bool>(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
        if (!isSuperuser)
        {
            throw new InvalidOperationException(
                $"{TestEnvironment.ConnectionStringVariable} must log in as a superuser: the tests create roles and " +
                $"databases. It logs in as '{connection.UserName}'.");
        }

        var server = new PostgresServer(superuser, connection.PostgreSqlVersion, backend, throwaway);
        await RoleLayout.EnsureAsync(server, server.ownerPassword, cancellationToken);
        return server;
    }

    internal static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Drops what this run left on an external server, or stops the throwaway cluster or container.</summary>
    internal async Task ShutdownAsync()
    {
        if (throwaway is null)
        {
            await Template.DropAsync();
        }

        // Idle pooled connections would otherwise linger until the server (or the external one's timeout) ends them.
        NpgsqlConnection.ClearAllPools();
        if (throwaway is not null)
        {
            await throwaway.StopAsync();
        }
    }

    /// <summary>
    /// The owner's password on a server that asks for passwords: the same in every test process of a run (on an
    /// external server they share the role, so a random one per process would lock the others out), unknowable without
    /// the superuser's password, and written nowhere. Without a superuser password the server must authenticate the
    /// owner another way (trust, as the local cluster does, or a pgpass entry).
    /// </summary>
    private static string? DeriveOwnerPassword(NpgsqlConnectionStringBuilder superuser)
    {
        if (string.IsNullOrEmpty(superuser.Password))
        {
            return null;
        }

        var mac = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(superuser.Password),
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{OwnerRole}@{superuser.Host}:{superuser.Port}")));
        return Convert.ToHexStringLower(mac);
    }
}
