using System.Net.Sockets;
using System.Text;

namespace ModelOperator.Runtime.Server.Tests;

public sealed class ProcessTests
{
    private static Dictionary<string, string> ChurnEnvironment() => new()
    {
        ["MODEL_NAME"] = "churn",
        ["MODEL_URI"] = ServerFixture.ModelPath("churn", 1),
        ["SHUTDOWN_TIMEOUT"] = "20",
    };

    [Fact]
    public async Task On_SIGTERM_the_server_stops_accepting_finishes_the_request_in_flight_and_exits_0()
    {
        // Without a drain period (DrainTests cover the drain): Kestrel stops accepting at once.
        await using var server = ServerProcess.Start(new Dictionary<string, string>(ChurnEnvironment()) { ["DRAIN_PERIOD"] = "0" });
        await server.WaitForLineAsync("is ready");

        // A request whose body is only half sent is in flight for as long as the test wants.
        var body = Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", server.Port);
        var head = Encoding.ASCII.GetBytes(
            $"POST /v2/models/churn/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        await socket.SendAsync(head);
        await socket.SendAsync(body.AsMemory(0, body.Length / 2));
        await WaitUntilInFlightAsync(server.Port);

        server.Terminate();
        await server.WaitForLineAsync("Application is shutting down");
        await AssertRefusesNewConnectionsAsync(server.Port);

        string response;
        try
        {
            await socket.SendAsync(body.AsMemory(body.Length / 2));
            response = await ReadResponseAsync(socket);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"the connection failed ({ex.SocketErrorCode}); server output:\n{string.Join('\n', server.Output)}", ex);
        }

        Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
        Assert.Contains("\"churn_probability\"", response, StringComparison.Ordinal);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_missing_native_library_gives_one_clear_line_and_exit_3()
    {
        // The application's assemblies without runtimes/ (where the package's native library lives)
        // and without the deps.json that names it: ONNX Runtime cannot be loaded.
        var app = Directory.CreateTempSubdirectory("modelserver-no-native-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory).Where(f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".runtimeconfig.json", StringComparison.Ordinal)))
            {
                File.Copy(file, Path.Combine(app.FullName, Path.GetFileName(file)));
            }

            await using var server = ServerProcess.Start(ChurnEnvironment(), appDirectory: app.FullName);

            var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await Task.Yield();

            Assert.Equal(3, exit);
            var line = Assert.Single(server.Output, l => l.Length > 0);
            Assert.StartsWith("modelserver: ONNX Runtime's native library (libonnxruntime.so from the Microsoft.ML.OnnxRuntime package", line, StringComparison.Ordinal);
            Assert.Contains("could not be loaded", line, StringComparison.Ordinal);
        }
        finally
        {
            app.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Bad_settings_are_listed_and_the_process_exits_2()
    {
        await using var server = ServerProcess.Start(new Dictionary<string, string> { ["MODEL_NAME"] = "bad name", ["PORT"] = "x" }, port: 1);

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(server.Output, l => l.Contains("MODEL_URI (--model-uri) is required", StringComparison.Ordinal));
        Assert.Contains(server.Output, l => l.Contains("MODEL_NAME (--model-name) is 'bad name'; it must be", StringComparison.Ordinal));
    }

    // The handler must have started (Kestrel parsed the head) before the signal: a connection
    // whose request has not been read yet counts as idle and is simply closed on shutdown.
    internal static async Task WaitUntilInFlightAsync(int port)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var metrics = await client.GetStringAsync("/metrics");
            if (metrics.Contains("modelserver_requests_in_flight{model=\"churn\",version=\"1\"} 1", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("the half-sent request never reached the inference handler");
    }

    internal static async Task AssertRefusesNewConnectionsAsync(int port)
    {
        // Kestrel unbinds right after the stopping event; allow it a moment, bounded. A reset
        // means the listener closed while the probe was connecting: not accepted either.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync("127.0.0.1", port);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the server still accepts new connections after SIGTERM");
    }

    internal static async Task<string> ReadResponseAsync(Socket socket)
    {
        var buffer = new byte[8192];
        var text = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var s = text.ToString();
            var split = s.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (split > 0)
            {
                var lengthLine = s[..split].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                if (lengthLine is not null && s.Length - split - 4 >= int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                {
                    break;
                }
            }
        }

        return text.ToString();
    }
}
