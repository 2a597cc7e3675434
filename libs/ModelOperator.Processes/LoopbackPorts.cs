using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ModelOperator.Processes;

/// <summary>
/// Ports for the child servers that the sandbox, the benchmarks and the tests start on 127.0.0.1.
/// "Bind port 0, read it, close it, start the child on it" is not enough: the kernel hands the same ephemeral port to
/// the next port-0 listener or outgoing connection on the machine, and the child then fails to bind (a sandbox pod
/// crash-looped on such a port for good). So ports are drawn below the kernel's ephemeral range, where neither kind
/// lands, and reserved machine-wide by an exclusive lock on a file named after the port: every process on the machine
/// that draws here (test processes run side by side) skips a port another holds, and a port some other program
/// listens on fails the bind check and is skipped too. A server started in this process binds port 0 instead.
/// </summary>
public static class LoopbackPorts
{
    /// <summary>The lowest port drawn: clear of the well-known and registered ports services are usually given.</summary>
    public const int Floor = 20000;

    private const int Attempts = 256;
    private static readonly string SharedLocks = Path.Combine(Path.GetTempPath(), "modeloperator-ports");
    private static readonly List<LoopbackPort> KeptForLife = [];

    /// <summary>A port reserved for the rest of this process's life (for children whose end the caller does not track).</summary>
    public static int Free()
    {
        var port = Reserve();
        lock (KeptForLife)
        {
            KeptForLife.Add(port);
        }

        return port.Port;
    }

    /// <summary>
    /// A free port from [<see cref="Floor"/>, the ephemeral range's start) that no other holder has and nothing listens
    /// on, held until the result is disposed. Where that range is too small (or the kernel's range cannot be read), a
    /// port-0 draw, unheld. <paramref name="lockDirectory"/> and <paramref name="random"/> are for tests.
    /// </summary>
    public static LoopbackPort Reserve(string? lockDirectory = null, Random? random = null)
    {
        var ceiling = EphemeralRangeStart();
        if (ceiling - Floor < 1024)
        {
            return new LoopbackPort(ListenOnce(0), null);
        }

        lockDirectory ??= SharedLocks;
        Directory.CreateDirectory(lockDirectory);
        random ??= Random.Shared;
        var size = ceiling - Floor;
        var start = random.Next(size);
        for (var i = 0; i < Attempts; i++)
        {
            var port = Floor + ((start + i) % size);
            var held = TryLock(Path.Combine(lockDirectory, port.ToString(CultureInfo.InvariantCulture)));
            if (held is null)
            {
                continue;
            }

            if (CanListen(port))
            {
                return new LoopbackPort(port, held);
            }

            held.Dispose();
        }

        throw new InvalidOperationException($"No free loopback port in {Attempts} tries from {Floor + start} (range {Floor}-{ceiling - 1}, locks in {lockDirectory}).");
    }

    /// <summary>
    /// True when a listener could bind the port on 127.0.0.1 now, as a server binds it: with .NET's defaults, not
    /// <c>SocketOptionName.ReuseAddress</c>, which on Linux adds SO_REUSEPORT and would share a port another listener holds.
    /// </summary>
    public static bool CanListen(int port)
    {
        try
        {
            ListenOnce(port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int ListenOnce(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen(1);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>The open lock file, or null when another holder has it. On Unix, FileShare.None takes an exclusive advisory lock (flock) that the kernel drops with the process.</summary>
    private static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (Linux's <c>ip_local_port_range</c>), or 0 when unknown.</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}

/// <summary>A loopback port reserved by <see cref="LoopbackPorts.Reserve"/>; disposing gives it back.</summary>
public sealed class LoopbackPort : IDisposable
{
    private readonly FileStream? _lock;

    internal LoopbackPort(int port, FileStream? held)
    {
        Port = port;
        _lock = held;
    }

    public int Port { get; }

    public void Dispose() => _lock?.Dispose();
}
