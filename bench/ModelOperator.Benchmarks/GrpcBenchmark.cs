using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Issue 17, gRPC rows of "Throughput under concurrency": the model server's gRPC ModelInfer against its own REST
/// endpoint at concurrency 8 (same churn request, same process), and gRPC's p50 at concurrency 1 against a minimal
/// gRPC echo service (the same generated service, answering with its input) run as its own process, side by side in
/// alternating rounds so that drift of the machine hits every target alike. The gRPC targets are driven by
/// <see cref="GrpcWireClient"/> (pre-serialised bytes, as the REST load generator posts pre-built JSON), the echo at
/// concurrency 8 too so that the client's own ceiling shows; one more row drives the server with Grpc.Net.Client.
/// </summary>
internal sealed class GrpcBenchmark(bool quick) : IBenchmarkSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Name => "grpc";

    public async Task<string> RunAsync()
    {
        var rounds = quick ? 1 : 3;
        var warmup = TimeSpan.FromSeconds(quick ? 1 : 2);
        var duration = TimeSpan.FromSeconds(quick ? 2 : 5);
        var modelPath = Path.Combine(AppContext.BaseDirectory, "models", "churn", "1", "model.onnx");
        float[] row = [35, 28.72f, 5, 1, 5, 14, 0, 4];
        var json = Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[35,28.72,5,1,5,14,0,4]}]}""");

        var serverGrpc = LoopbackPorts.Free();
        var echoGrpc = LoopbackPorts.Free();
        await using var server = await ChildProcess.StartDotnetAsync(
            "modelserver.dll",
            [],
            new Dictionary<string, string> { ["MODEL_NAME"] = "churn", ["MODEL_URI"] = modelPath, ["LOG_FORMAT"] = "text", ["GRPC_PORT"] = serverGrpc.ToString(Inv) },
            "/v2/health/ready").ConfigureAwait(false);
        await using var echo = await ChildProcess.StartDotnetAsync(
            "ModelOperator.Benchmarks.dll", ["--grpc-echo-server", "{port}", echoGrpc.ToString(Inv)], new Dictionary<string, string>(), "/ready").ConfigureAwait(false);

        var request = Request(row);
        var results = new List<(string Target, LoadResult Result)>();
        var cpu = new List<(string Target, double Server, double Client)>();

        // CPU per request of the serving process and of this (client) process, over warm-up and measurement together,
        // divided by the requests the measured throughput implies for both: where a target's time goes on two cores.
        async Task MeasureAsync(string target, ChildProcess serving, Func<Task<LoadResult>> run)
        {
            var (server0, client0) = (serving.CpuTime, System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime);
            var result = await run().ConfigureAwait(false);
            var requests = result.Throughput * (warmup + duration).TotalSeconds;
            results.Add((target, result));
            cpu.Add((target, (serving.CpuTime - server0).TotalMicroseconds / requests, (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - client0).TotalMicroseconds / requests));
        }

        for (var round = 0; round < rounds; round++)
        {
            await MeasureAsync("echo c1", echo, () => RunWireAsync(echoGrpc, request, 1, warmup, duration)).ConfigureAwait(false);
            await MeasureAsync("grpc c1", server, () => RunWireAsync(serverGrpc, request, 1, warmup, duration)).ConfigureAwait(false);
            await MeasureAsync("echo c8", echo, () => RunWireAsync(echoGrpc, request, 8, warmup, duration)).ConfigureAwait(false);
            await MeasureAsync("raw c8", echo, () => RunWireAsync(echoGrpc, request, 8, warmup, duration, GrpcEchoServer.RawMethod)).ConfigureAwait(false);
            await MeasureAsync("rest c8", server, () => LoadGenerator.RunAsync(server.Url("/v2/models/churn/infer"), json, 8, warmup, duration)).ConfigureAwait(false);
            await MeasureAsync("grpc c8", server, () => RunWireAsync(serverGrpc, request, 8, warmup, duration)).ConfigureAwait(false);
            await MeasureAsync("grpc.net c8", server, () => RunGrpcAsync(serverGrpc, request, 8, warmup, duration)).ConfigureAwait(false);
        }

        return Render(results, cpu, rounds, duration);
    }

    private static ModelInferRequest Request(float[] row)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32", Contents = new InferTensorContents() };
        tensor.Shape.AddRange([1, 8]);
        tensor.Contents.Fp32Contents.AddRange(row);
        var request = new ModelInferRequest { ModelName = "churn" };
        request.Inputs.Add(tensor);
        return request;
    }

    // Closed loop as LoadGenerator's: one channel (one HTTP/2 connection) per worker, as REST has one connection each.
    private static async Task<LoadResult> RunGrpcAsync(int port, ModelInferRequest request, int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        var channels = Enumerable.Range(0, concurrency)
            .Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { UseProxy = false } }))
            .ToArray();
        try
        {
            var clients = channels.Select(c => new GRPCInferenceService.GRPCInferenceServiceClient(c)).ToArray();
            await PhaseAsync(clients, request, warmup, record: false).ConfigureAwait(false);
            return await PhaseAsync(clients, request, duration, record: true).ConfigureAwait(false);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    // One GrpcWireClient (one HTTP/2 connection) per worker.
    private static async Task<LoadResult> RunWireAsync(
        int port, ModelInferRequest request, int concurrency, TimeSpan warmup, TimeSpan duration, string method = "/inference.GRPCInferenceService/ModelInfer")
    {
        var clients = Enumerable.Range(0, concurrency).Select(_ => new GrpcWireClient(port, method, request)).ToArray();
        try
        {
            await PhaseAsync(clients.Length, w => clients[w].CallAsync(), warmup, record: false).ConfigureAwait(false);
            return await PhaseAsync(clients.Length, w => clients[w].CallAsync(), duration, record: true).ConfigureAwait(false);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static Task<LoadResult> PhaseAsync(GRPCInferenceService.GRPCInferenceServiceClient[] clients, ModelInferRequest request, TimeSpan duration, bool record) =>
        PhaseAsync(clients.Length, async w =>
        {
            try
            {
                await clients[w].ModelInferAsync(request).ConfigureAwait(false);
                return true;
            }
            catch (RpcException)
            {
                return false;
            }
        }, duration, record);

    private static async Task<LoadResult> PhaseAsync(int concurrency, Func<int, Task<bool>> call, TimeSpan duration, bool record)
    {
        var latencies = new List<double>[concurrency];
        var errors = 0L;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            while (Stopwatch.GetTimestamp() < end)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (!await call(w).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref errors);
                }

                if (record)
                {
                    mine.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var all = latencies.SelectMany(l => l).ToArray();
        return new LoadResult(concurrency, all.Length, errors, Stopwatch.GetElapsedTime(started).TotalSeconds, all);
    }

    private static string Render(List<(string Target, LoadResult Result)> results, List<(string Target, double Server, double Client)> cpu, int rounds, TimeSpan duration)
    {
        double Median(string target, Func<LoadResult, double> value) => Stats.Median(results.Where(r => r.Target == target).Select(r => value(r.Result)));
        double Cpu(string target, bool server) => Stats.Median(cpu.Where(c => c.Target == target).Select(c => server ? c.Server : c.Client));
        var s = new StringBuilder();
        s.AppendLine(Inv, $"Churn model, batch 1 (8 FP32 features), over loopback; {rounds} alternating rounds of {duration.TotalSeconds:0} s per target, medians over rounds. gRPC calls use typed `fp32_contents`, one HTTP/2 connection per worker, sent by a lean HttpClient caller that posts the message serialised once and reads the answer without parsing it, as the REST load generator posts pre-built JSON over one HTTP/1.1 connection per worker; the last row drives the server with Grpc.Net.Client's generated client instead (one channel per worker), which builds and parses messages per call. The echo is the same generated gRPC service answering with its input, as its own process; the echo at concurrency 8 is the ceiling of client and HTTP/2 together on this machine.");
        s.AppendLine();
        s.AppendLine(Inv, $"Load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}. CPU per request is the serving process's (model server or echo) and the client's (this process's) CPU time over warm-up and measurement, divided by the requests the measured throughput implies.");
        s.AppendLine();
        s.AppendLine("| target | concurrency | throughput (req/s) | p50 (µs) | p99 (µs) | server CPU (µs/req) | client CPU (µs/req) | errors |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var target in new[] { "echo c1", "grpc c1", "echo c8", "raw c8", "rest c8", "grpc c8", "grpc.net c8" })
        {
            var name = target switch
            {
                "raw c8" => "HTTP/2 echo, no gRPC framework",
                "echo c1" or "echo c8" => "gRPC echo",
                "grpc c1" or "grpc c8" => "modelserver gRPC",
                "grpc.net c8" => "modelserver gRPC, Grpc.Net.Client",
                _ => "modelserver REST",
            };
            s.AppendLine(Inv, $"| {name} | {target[^1]} | {Median(target, r => r.Throughput):0} | {Median(target, r => r.Percentile(50)):0} | {Median(target, r => r.Percentile(99)):0} | {Cpu(target, server: true):0} | {Cpu(target, server: false):0} | {results.Where(r => r.Target == target).Sum(r => r.Result.Errors)} |");
        }

        s.AppendLine();
        s.AppendLine("| target | measured | verdict |");
        s.AppendLine("|---|---|---|");
        var grpc8 = Median("grpc c8", r => r.Throughput);
        var rest8 = Median("rest c8", r => r.Throughput);
        var gap = Median("grpc c1", r => r.Percentile(50)) - Median("echo c1", r => r.Percentile(50));
        Report.Verdict(s, "gRPC throughput at concurrency 8 ≥ REST's", $"{grpc8:0} vs {rest8:0} req/s ({grpc8 / rest8:P0})", grpc8 >= rest8);
        Report.Verdict(s, "gRPC p50 at concurrency 1 within 100 µs of the gRPC echo", $"{gap:0} µs above it", gap <= 100);
        if (grpc8 < rest8)
        {
            var (serverGrpc, serverRest, serverEcho) = (Cpu("grpc c8", server: true), Cpu("rest c8", server: true), Cpu("echo c8", server: true));
            var (clientGrpc, clientRest) = (Cpu("grpc c8", server: false), Cpu("rest c8", server: false));
            s.AppendLine();
            s.AppendLine(Inv, $"gRPC at concurrency 8 misses REST's throughput by {1 - (grpc8 / rest8):P0}. Per call the model server spends {serverGrpc:0} µs of CPU on gRPC and {serverRest:0} µs on REST (HTTP/1.1, parse, run, metrics, JSON). The echo spends {serverEcho:0} µs with nothing behind ModelInfer: that is the floor of Kestrel's HTTP/2 and Grpc.AspNetCore per call on this machine, so the model server's own work per gRPC call (message checks, parse into the pooled request, run, metrics, the protobuf response) is about {serverGrpc - serverEcho:0} µs. The client spends {clientGrpc:0} µs per gRPC call and {clientRest:0} µs per REST call, on the same two cores.");
            s.AppendLine(serverGrpc - serverEcho < serverRest
                ? string.Create(Inv, $"The floor alone is {serverEcho / serverRest:P0} of REST's whole call: what is left is the HTTP/2 and gRPC framework cost per call (framing, HPACK, flow control, trailers, the call context) in the server and the client, not work in ModelInfer.")
                : "The model server's own gRPC work exceeds REST's whole call: look at ModelInfer first (a profile of the server under this load).");
        }

        return s.ToString();
    }
}
