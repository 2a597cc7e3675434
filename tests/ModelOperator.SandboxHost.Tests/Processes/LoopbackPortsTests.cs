using System.Net;
using System.Net.Sockets;
using ModelOperator.Processes;

namespace ModelOperator.SandboxHost.Tests.Processes;

public sealed class LoopbackPortsTests : IDisposable
{
    private readonly string _locks = Path.Combine(Path.GetTempPath(), "loopback-ports-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_locks))
        {
            Directory.Delete(_locks, recursive: true);
        }
    }

    [Fact]
    public void Ports_held_at_once_are_distinct_and_lie_below_the_ephemeral_range_where_port_0_listeners_and_outgoing_connections_land()
    {
        var ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var held = Enumerable.Range(0, 64).Select(_ => LoopbackPorts.Reserve(_locks)).ToList();
        try
        {
            Assert.Equal(held.Count, held.Select(r => r.Port).Distinct().Count());
            Assert.All(held, r => Assert.InRange(r.Port, LoopbackPorts.Floor, ephemeralStart - 1));
        }
        finally
        {
            held.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public void A_port_another_holder_reserved_is_not_handed_out_until_it_is_given_back()
    {
        // Given a port reserved by one holder (the same seed draws the same first port)
        var first = LoopbackPorts.Reserve(_locks, new Random(42));

        // When a second holder draws from the same place, Then it gets another port
        using (var second = LoopbackPorts.Reserve(_locks, new Random(42)))
        {
            Assert.NotEqual(first.Port, second.Port);
        }

        // When the first gives it back, Then it can be drawn again
        var port = first.Port;
        first.Dispose();
        using var again = LoopbackPorts.Reserve(_locks, new Random(42));
        Assert.Equal(port, again.Port);
    }

    [Fact]
    public void A_port_another_program_listens_on_is_skipped()
    {
        // Given the port the seed draws first, now listened on by a program that takes no reservation
        int taken;
        using (var probe = LoopbackPorts.Reserve(_locks, new Random(7)))
        {
            taken = probe.Port;
        }

        using var foreign = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        foreign.Bind(new IPEndPoint(IPAddress.Loopback, taken));
        foreign.Listen(1);

        // When a port is drawn from the same place, Then it is another one, and the check says the taken one is taken
        using var drawn = LoopbackPorts.Reserve(_locks, new Random(7));
        Assert.NotEqual(taken, drawn.Port);
        Assert.False(LoopbackPorts.CanListen(taken));
        Assert.True(LoopbackPorts.CanListen(drawn.Port));
    }
}
