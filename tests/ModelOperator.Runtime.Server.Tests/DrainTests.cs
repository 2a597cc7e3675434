using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>Graceful drain on SIGTERM, with the server as a real process.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task On_SIGTERM_readiness_fails_requests_are_answered_through_the_drain_the_one_in_flight_completes_and_the_process_exits_0()
    {
        await using var server = ServerProcess.Start(new Dictionary<string, string>
        {
            ["MODEL_NAME"] = "churn",
            ["MODEL_URI"] = ServerFixture.ModelPath("churn", 1),
            ["DRAIN_PERIOD"] = "3s",
            ["SHUTDOWN_TIMEOUT"] = "20",
        });
        await server.WaitForLineAsync("is ready");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}"), Timeout = TimeSpan.FromSeconds(10) };
        using (var before = await client.GetAsync("/v2/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // Given a request in flight (its body half sent) when SIGTERM arrives
        var body = Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", server.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /v2/models/churn/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
        await socket.SendAsync(body.AsMemory(0, body.Length / 2));
        await ProcessTests.WaitUntilInFlightAsync(server.Port);
        var signalled = Stopwatch.StartNew();
        server.Terminate();
        await server.WaitForLineAsync("Draining for 3 s");

        // Then readiness fails at once, on both ready endpoints, with the reason
        foreach (var path in new[] { "/v2/health/ready", "/v2/models/churn/ready" })
        {
            using var ready = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("\"reason\":\"Draining\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // And new requests, each on a new connection as a proxy that has not yet heard of the pod's end sends them,
        // are all answered until the drain ends, each asking the client to close the connection.
        var answered = 0;
        while (signalled.Elapsed < TimeSpan.FromSeconds(2.5))
        {
            using var fresh = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var infer = await fresh.PostAsync(MalformedRequestCorpus.InferPath, new StringContent(MalformedRequestCorpus.Good, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
            Assert.True(infer.Headers.ConnectionClose, "a response while draining carries Connection: close");
            answered++;
            await Task.Delay(100); // pacing, bounded by the loop's 2.5 s
        }

        Assert.True(answered >= 5, $"only {answered} requests were answered during the drain");

        // And after the drain, the request in flight since the signal still completes, and the process exits 0
        await server.WaitForLineAsync("Drain period over");
        Assert.True(signalled.Elapsed >= TimeSpan.FromSeconds(3), $"the drain ended after {signalled.Elapsed.TotalSeconds:0.0} s, before DRAIN_PERIOD");
        await socket.SendAsync(body.AsMemory(body.Length / 2));
        var response = await ProcessTests.ReadResponseAsync(socket);
        Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
        Assert.Contains("\"churn_probability\"", response, StringComparison.Ordinal);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
