using System.Net;
using System.Net.Sockets;

namespace ModelOperator.Processes;

/// <summary>Ports for the child servers that the sandbox, the benchmarks and the tests start on 127.0.0.1.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A port that was free on 127.0.0.1 a moment ago: the listener that found it is closed before the child binds it,
    /// so another process could take it meanwhile. A server started in this process binds port 0 instead.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
