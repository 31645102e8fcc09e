using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// A TCP proxy between a client and the test's PostgreSQL server that can lose a COMMIT's answer: it reads the
/// PostgreSQL wire protocol just far enough to spot a commit point and, once armed with a <see cref="ProxyFault"/>, drops
/// the connection around it. A commit point is an explicit COMMIT (a simple Query, or a Parse of an extended query), or
/// the Sync that ends a batch sent outside a transaction block (the server idle, no BEGIN in the batch) with a
/// data-changing statement in it: that batch is one implicit transaction, which commits at its Sync. This is the
/// ambiguous commit a network or a failover produces: the client's driver sees an I/O error and cannot tell whether the
/// server committed. It can also partition the network (<see cref="Partition"/>): every byte dropped, nothing closed, so
/// clients wait out their timeouts.
/// </summary>
/// <remarks>
/// Connections through the proxy must not use TLS (<see cref="ConnectionStringThrough"/> turns it off): the proxy has to
/// read the messages. Everything else is forwarded byte for byte.
/// </remarks>
public sealed class FaultInjectingProxy : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint server;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<Task> pumps = [];
    private readonly Task accepting;
    private readonly List<string> withheldErrors = [];
    private ProxyFault? armed;
    private bool refusing;
    private bool partitioned;
    private TaskCompletionSource fired = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FaultInjectingProxy(IPEndPoint server)
    {
        this.server = server;
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>Gets the port the proxy listens on (on 127.0.0.1).</summary>
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Gets the errors the server answered a sabotaged commit point with (withheld from the client): none when it committed.</summary>
    public IReadOnlyList<string> WithheldErrors
    {
        get
        {
            lock (gate)
            {
                return [.. withheldErrors];
            }
        }
    }

    /// <summary>Gets how many COMMITs the proxy has sabotaged.</summary>
    public int FaultsInjected { get; private set; }

    /// <summary>Starts a proxy in front of the server a connection string points at (a TCP host and port).</summary>
    /// <param name="connectionString">A connection string to the server.</param>
    /// <returns>The running proxy; dispose it to stop.</returns>
    public static FaultInjectingProxy Start(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var address = IPAddress.Parse(builder.Host!);
        return new FaultInjectingProxy(new IPEndPoint(address, builder.Port));
    }

    /// <summary>Rewrites a connection string to go through the proxy, without TLS.</summary>
    /// <param name="connectionString">A connection string to the proxied server.</param>
    /// <returns>The same settings with the proxy's host and port.</returns>
    public string ConnectionStringThrough(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        SslMode = SslMode.Disable,
        GssEncryptionMode = GssEncryptionMode.Disable,
    }.ConnectionString;

    /// <summary>Arms the proxy: the next COMMIT any connection sends meets <paramref name="fault"/>, once.</summary>
    /// <param name="fault">What to do with it.</param>
    /// <returns>A task that completes when the fault has been injected.</returns>
    public Task Arm(ProxyFault fault)
    {
        lock (gate)
        {
            armed = fault;
            fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return fired.Task;
        }
    }

    /// <summary>
    /// Cuts the network without closing anything: from now on every byte either side sends, on open connections and new
    /// ones, is dropped, so a client waits until its own timeouts expire, as behind a partition or a hung server.
    /// </summary>
    public void Partition()
    {
        lock (gate)
        {
            partitioned = true;
        }
    }

    /// <summary>Disarms the proxy, ends a partition and accepts new connections again.</summary>
    public void Heal()
    {
        lock (gate)
        {
            armed = null;
            refusing = false;
            partitioned = false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        Task[] running;
        lock (gate)
        {
            running = [accepting, .. pumps];
        }

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Stopping cuts every pump off mid-read.
        }

        stopping.Dispose();
    }

    private static async Task<bool> ReadExactlyAsync(NetworkStream stream, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    /// <summary>Reads one typed message (type byte, length, body); <see langword="null"/> at the end of the stream.</summary>
    private static async Task<byte[]?> ReadMessageAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        if (!await ReadExactlyAsync(stream, header, 5, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        var message = new byte[1 + length];
        header.CopyTo(message, 0);
        try
        {
            await stream.ReadExactlyAsync(message.AsMemory(5), cancellationToken).ConfigureAwait(false);
            return message;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>True for a simple Query or a Parse whose SQL is COMMIT (what a driver sends to end a transaction).</summary>
    private static bool IsCommit(byte[] message)
    {
        string sql;
        switch ((char)message[0])
        {
            case 'Q':
                sql = ReadCString(message, 5);
                break;
            case 'P':
                var nameEnd = Array.IndexOf(message, (byte)0, 5);
                sql = ReadCString(message, nameEnd + 1);
                break;
            default:
                return false;
        }

        return sql.Trim().TrimEnd(';').Trim().Equals("COMMIT", StringComparison.OrdinalIgnoreCase)
            || sql.Trim().TrimEnd(';').Trim().Equals("END", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// True for an explicit COMMIT, and for the Sync ending an implicit transaction that writes (or a simple Query that
    /// writes, sent outside a transaction block). Keeps the per-batch state of <paramref name="link"/> up to date.
    /// </summary>
    private static bool IsCommitPoint(Link link, byte[] message)
    {
        if (IsCommit(message))
        {
            link.ImplicitWrite = false;
            return true;
        }

        switch ((char)message[0])
        {
            case 'Q':
                // Npgsql may send its deferred BEGIN as a simple Query ahead of the batch: the batch is then in a block.
                var query = ReadCString(message, 5);
                link.BatchBegins |= IsBegin(query);
                return link.ServerIdle && !link.BatchBegins && IsWrite(query);
            case 'P':
                var sql = ReadCString(message, Array.IndexOf(message, (byte)0, 5) + 1);
                link.BatchBegins |= IsBegin(sql);
                link.ImplicitWrite |= link.ServerIdle && !link.BatchBegins && IsWrite(sql);
                return false;
            case 'S':
                var commits = link.ImplicitWrite;
                link.ImplicitWrite = false;
                link.BatchBegins = false;
                return commits;
            default:
                return false;
        }
    }

    private static bool IsBegin(string sql) =>
        sql.TrimStart().StartsWith("BEGIN", StringComparison.OrdinalIgnoreCase)
        || sql.TrimStart().StartsWith("START TRANSACTION", StringComparison.OrdinalIgnoreCase);

    private static bool IsWrite(string sql) =>
        System.Text.RegularExpressions.Regex.IsMatch(sql, @"\b(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static string ReadCString(byte[] message, int start)
    {
        var end = Array.IndexOf(message, (byte)0, start);
        return Encoding.UTF8.GetString(message, start, (end < 0 ? message.Length : end) - start);
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token).ConfigureAwait(false);
            bool refuse;
            lock (gate)
            {
                refuse = refusing;
            }

            if (refuse)
            {
                client.Client.Close(0);
                client.Dispose();
                continue;
            }

            lock (gate)
            {
                pumps.Add(HandleAsync(client));
            }
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(server, stopping.Token).ConfigureAwait(false);
                using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
                var link = new Link(client, upstream, connection);
                await Task.WhenAll(PumpClientAsync(link), PumpServerAsync(link)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // A connection ends by one side closing it, or by the fault cutting it: either way, both sides go.
            }
        }
    }

    private async Task PumpClientAsync(Link link)
    {
        var from = link.Client.GetStream();
        var to = link.Upstream.GetStream();
        var token = link.Cancellation.Token;
        try
        {
            // The startup phase: untyped messages (length, code). TLS and GSS requests are refused by the
            // server we proxy (connections through the proxy disable them); the startup message ends the phase.
            while (true)
            {
                var header = new byte[8];
                if (!await ReadExactlyAsync(from, header, 8, token).ConfigureAwait(false))
                {
                    return;
                }

                var length = BinaryPrimitives.ReadInt32BigEndian(header);
                var code = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
                var rest = new byte[length - 8];
                if (!await ReadExactlyAsync(from, rest, rest.Length, token).ConfigureAwait(false))
                {
                    return;
                }

                if (!IsPartitioned())
                {
                    await to.WriteAsync(header, token).ConfigureAwait(false);
                    await to.WriteAsync(rest, token).ConfigureAwait(false);
                }

                if (code is not (SslRequestCode or GssEncRequestCode))
                {
                    // The startup message is answered by a ReadyForQuery too, once authentication is done.
                    link.SyncSent();
                    break;
                }
            }

            while (await ReadMessageAsync(from, token).ConfigureAwait(false) is { } message)
            {
                if (IsCommitPoint(link, message) && TakeFault() is { } fault)
                {
                    if (fault == ProxyFault.DropBeforeCommit)
                    {
                        Cut(link, refuse: false);
                        return;
                    }

                    link.CommitForwarded(fault);
                }

                if (message[0] is (byte)'S' or (byte)'Q')
                {
                    link.SyncSent();
                }

                if (!IsPartitioned())
                {
                    await to.WriteAsync(message, token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            link.Cancellation.Cancel();
        }
    }

    private async Task PumpServerAsync(Link link)
    {
        var from = link.Upstream.GetStream();
        var to = link.Client.GetStream();
        var token = link.Cancellation.Token;
        try
        {
            while (await ReadMessageAsync(from, token).ConfigureAwait(false) is { } message)
            {
                if (message[0] == (byte)'Z')
                {
                    // ReadyForQuery's status: 'I' idle (no transaction block), 'T' in one, 'E' in a failed one.
                    link.ServerIdle = message[5] == (byte)'I';
                }

                // Answers to Syncs sent before the commit point (Npgsql's pool reset, DISCARD ALL, goes ahead of the
                // first batch in the same write) are forwarded as usual.
                if (link.PendingFault is { } fault && link.AnsweringCommitPoint)
                {
                    // Everything after the COMMIT left is the COMMIT's answer; its end (ReadyForQuery) means the
                    // server is done with it. Withhold it and cut the connection.
                    if (message[0] == (byte)'Z')
                    {
                        Cut(link, refuse: fault == ProxyFault.DropAfterCommitThenRefuse);
                        return;
                    }

                    if (message[0] == (byte)'E')
                    {
                        // The server refused the statement: nothing was committed, which a test must be able to see.
                        lock (gate)
                        {
                            withheldErrors.Add(Encoding.UTF8.GetString(message, 5, message.Length - 5).Replace('\0', ' '));
                        }
                    }

                    continue;
                }

                if (!IsPartitioned())
                {
                    await to.WriteAsync(message, token).ConfigureAwait(false);
                }

                if (message[0] == (byte)'Z')
                {
                    link.SyncAnswered();
                }
            }
        }
        finally
        {
            link.Cancellation.Cancel();
        }
    }

    private bool IsPartitioned()
    {
        lock (gate)
        {
            return partitioned;
        }
    }

    private ProxyFault? TakeFault()
    {
        lock (gate)
        {
            var fault = armed;
            armed = null;
            return fault;
        }
    }

    private void Cut(Link link, bool refuse)
    {
        lock (gate)
        {
            refusing |= refuse;
            FaultsInjected++;
        }

        // A reset, not a graceful close: the client's driver must see the connection fail, as after a network fault.
        link.Client.Client.Close(0);
        link.Upstream.Client.Close(0);
        link.Cancellation.Cancel();
        fired.TrySetResult();
    }

    private sealed class Link(TcpClient client, TcpClient upstream, CancellationTokenSource cancellation)
    {
        private int pending = -1;
        private int unansweredSyncs;
        private int answersBeforeCommitPoint;
        private bool serverIdle;

        public TcpClient Client { get; } = client;

        public TcpClient Upstream { get; } = upstream;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public ProxyFault? PendingFault => Volatile.Read(ref pending) is var value and >= 0 ? (ProxyFault)value : null;

        /// <summary>Gets whether every Sync sent before the commit point has been answered, so the server now answers it.</summary>
        public bool AnsweringCommitPoint
        {
            get
            {
                lock (this)
                {
                    return answersBeforeCommitPoint == 0;
                }
            }
        }

        public void CommitForwarded(ProxyFault fault)
        {
            lock (this)
            {
                // The commit point's own Sync is counted after this; its answer comes after those still outstanding.
                answersBeforeCommitPoint = unansweredSyncs;
            }

            Volatile.Write(ref pending, (int)fault);
        }

        /// <summary>Counts a Sync (or simple Query) sent to the server: one ReadyForQuery will answer it.</summary>
        public void SyncSent()
        {
            lock (this)
            {
                unansweredSyncs++;
            }
        }

        /// <summary>Counts a ReadyForQuery passed on to the client.</summary>
        public void SyncAnswered()
        {
            lock (this)
            {
                unansweredSyncs--;
                if (answersBeforeCommitPoint > 0)
                {
                    answersBeforeCommitPoint--;
                }
            }
        }

        /// <summary>Gets or sets whether the server's last ReadyForQuery said it was outside a transaction block.</summary>
        public bool ServerIdle
        {
            get => Volatile.Read(ref serverIdle);
            set => Volatile.Write(ref serverIdle, value);
        }

        /// <summary>Gets or sets whether the batch being sent starts a transaction block (Npgsql's deferred BEGIN).</summary>
        public bool BatchBegins { get; set; }

        /// <summary>Gets or sets whether the batch being sent writes in an implicit transaction.</summary>
        public bool ImplicitWrite { get; set; }
    }
}
