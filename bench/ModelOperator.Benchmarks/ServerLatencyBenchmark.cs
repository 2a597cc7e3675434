using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ModelOperator.Runtime.Onnx;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Issue "Foundation and the shared ONNX inference server": the floor (in-process Run), the
/// server end to end over loopback at concurrency 1 and 8, and the JSON-echo ceiling, all in one
/// run, alternating server and echo in rounds so that drift of the machine hits both alike.
/// </summary>
internal sealed class ServerLatencyBenchmark(bool quick) : IBenchmarkSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Name => "inference-server";

    public async Task<string> RunAsync()
    {
        var rounds = quick ? 1 : 3;
        var warmup = TimeSpan.FromSeconds(quick ? 1 : 2);
        var duration = TimeSpan.FromSeconds(quick ? 2 : 5);
        var modelPath = Path.Combine(AppContext.BaseDirectory, "models", "churn", "1", "model.onnx");
        var (body, rowCount) = ChurnRequest();

        var floor = MeasureFloor(modelPath);

        await using var echo = await ChildProcess.StartDotnetAsync("ModelOperator.Benchmarks.dll", ["--echo-server", "{port}"], new Dictionary<string, string>(), "/ready").ConfigureAwait(false);
        await using var server = await ChildProcess.StartDotnetAsync(
            "modelserver.dll",
            [],
            new Dictionary<string, string> { ["MODEL_NAME"] = "churn", ["MODEL_URI"] = modelPath, ["LOG_FORMAT"] = "text" },
            "/v2/health/ready").ConfigureAwait(false);

        var echoUrl = echo.Url("/echo");
        var inferUrl = server.Url("/v2/models/churn/infer");
        var results = new List<(string Target, LoadResult Result)>();
        var cpuPerRequest = new List<(string Target, int Concurrency, double Micros)>();
        var allocations = new List<double>();
        var sessionsBefore = await Report.ScrapeAsync(server, "modelserver_sessions_created_total").ConfigureAwait(false);
        var requestsBefore = await Report.ScrapeAsync(server, "modelserver_requests_total", "outcome=\"success\"").ConfigureAwait(false);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var concurrency in new[] { 1, 8 })
            {
                var echoCpu = echo.CpuTime;
                var echoed = await LoadGenerator.RunAsync(echoUrl, body, concurrency, warmup, duration).ConfigureAwait(false);
                cpuPerRequest.Add(("echo", concurrency, (echo.CpuTime - echoCpu).TotalMicroseconds / (echoed.Requests * (1 + (warmup / duration)))));
                results.Add(("echo", echoed));
                var allocatedBefore = await Report.ScrapeAsync(server, "dotnet_gc_allocated_bytes_total").ConfigureAwait(false);
                var serverCpu = server.CpuTime;
                var served = await LoadGenerator.RunAsync(inferUrl, body, concurrency, warmup, duration).ConfigureAwait(false);
                cpuPerRequest.Add(("server", concurrency, (server.CpuTime - serverCpu).TotalMicroseconds / (served.Requests * (1 + (warmup / duration)))));
                var allocatedAfter = await Report.ScrapeAsync(server, "dotnet_gc_allocated_bytes_total").ConfigureAwait(false);
                results.Add(("server", served));
                if (concurrency == 1)
                {
                    // The counter also covers the warm-up requests of this phase; count them too.
                    allocations.Add((allocatedAfter - allocatedBefore) / (served.Requests + EstimateWarmupRequests(served, warmup, duration)));
                }
            }
        }

        var sessionsAfter = await Report.ScrapeAsync(server, "modelserver_sessions_created_total").ConfigureAwait(false);
        var requestsAfter = await Report.ScrapeAsync(server, "modelserver_requests_total", "outcome=\"success\"").ConfigureAwait(false);
        return Render(results, cpuPerRequest, floor, allocations, sessionsAfter - sessionsBefore, requestsAfter - requestsBefore, body.Length, rowCount, rounds, duration);
    }

    private static double EstimateWarmupRequests(LoadResult measured, TimeSpan warmup, TimeSpan duration) =>
        measured.Requests * (warmup.TotalSeconds / duration.TotalSeconds);

    private static string Render(
        List<(string Target, LoadResult Result)> results,
        List<(string Target, int Concurrency, double Micros)> cpuPerRequest,
        (double Churn, double Wide) floor,
        List<double> allocations,
        double sessionsCreated,
        double requestsServed,
        int bodyBytes,
        int rows,
        int rounds,
        TimeSpan duration)
    {
        double Median(string target, int c, Func<LoadResult, double> f) =>
            Stats.Median(results.Where(r => r.Target == target && r.Result.Concurrency == c).Select(r => f(r.Result)));

        var echoP50 = Median("echo", 1, r => r.Percentile(50));
        var serverP50 = Median("server", 1, r => r.Percentile(50));
        var serverP99 = Median("server", 1, r => r.Percentile(99));
        var echoThroughput = Median("echo", 8, r => r.Throughput);
        var serverThroughput = Median("server", 8, r => r.Throughput);
        var allocation = Stats.Median(allocations);
        var errors = results.Sum(r => r.Result.Errors);

        var s = new StringBuilder();
        s.AppendLine("## Inference server (churn model, batch 1)");
        s.AppendLine();
        s.AppendLine(Inv, $"Request body {bodyBytes} bytes ({rows} row of 8 features). Closed-loop HTTP/1.1 clients over loopback in the bench process; the server and the echo ceiling each run as their own process. {rounds} round(s) of {duration.TotalSeconds:0} s per phase, echo and server alternating; medians across rounds. Errors (non-200) in all phases: {errors}.");
        s.AppendLine();
        s.AppendLine("| target | concurrency | p50 µs | p99 µs | requests/s |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var target in new[] { "floor (in-process Run, churn)", "floor (in-process Run, wide 256-1024-1024-10)" })
        {
            var value = target.Contains("wide", StringComparison.Ordinal) ? floor.Wide : floor.Churn;
            s.AppendLine(Inv, $"| {target} | 1 | {value:0.00} | | {1e6 / value:0} |");
        }

        foreach (var target in new[] { "echo", "server" })
        {
            foreach (var c in new[] { 1, 8 })
            {
                s.AppendLine(Inv, $"| {(target == "echo" ? "JSON echo (HTTP ceiling)" : "modelserver /v2/models/churn/infer")} | {c} | {Median(target, c, r => r.Percentile(50)):0} | {Median(target, c, r => r.Percentile(99)):0} | {Median(target, c, r => r.Throughput):0} |");
            }
        }

        s.AppendLine();
        double Cpu(string target, int c) => Stats.Median(cpuPerRequest.Where(x => x.Target == target && x.Concurrency == c).Select(x => x.Micros));
        s.AppendLine(Inv, $"Server-side CPU per request (the child process's user + system time over the phase, warm-up included, divided by its requests; unlike latency it does not move with other load on the machine): echo {Cpu("echo", 1):0.0} µs at concurrency 1 and {Cpu("echo", 8):0.0} µs at 8; modelserver {Cpu("server", 1):0.0} µs and {Cpu("server", 8):0.0} µs.");
        s.AppendLine();
        s.AppendLine("| target | measured | verdict |");
        s.AppendLine("|---|---|---|");
        Report.Verdict(s, "p50 at concurrency 1 ≤ echo p50 + 100 µs", $"{serverP50:0} µs vs {echoP50:0} + 100 µs (overhead {serverP50 - echoP50:0} µs)", serverP50 <= echoP50 + 100);
        Report.Verdict(s, "p99 ≤ 3 × p50 at concurrency 1", $"{serverP99:0} µs = {serverP99 / serverP50:0.00} × p50", serverP99 <= 3 * serverP50);
        Report.Verdict(s, "throughput at concurrency 8 ≥ 70 % of echo", $"{serverThroughput:0} vs {echoThroughput:0} req/s = {100 * serverThroughput / echoThroughput:0} %", serverThroughput >= 0.7 * echoThroughput);
        Report.Verdict(s, "session creations per request = 0", $"{sessionsCreated:0} sessions created while serving {requestsServed:0} requests", sessionsCreated == 0 && requestsServed > 0);
        Report.Verdict(s, "managed allocation ≤ 2 KB per request (server process, steady state)", $"{allocation:0} B per request (dotnet_gc_allocated_bytes_total delta / requests, median of rounds)", allocation <= 2048);
        return s.ToString();
    }


    internal static (byte[] Body, int Rows) ChurnRequest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "models", "churn", "1", "expected.json")));
        var input = doc.RootElement.GetProperty("cases")[0].GetProperty("inputs").GetProperty("features");
        var data = string.Join(',', input.GetProperty("data").EnumerateArray().Select(e => ((float)e.GetDouble()).ToString("R", Inv)));
        var json = $"{{\"id\":\"bench\",\"inputs\":[{{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[{data}]}}]}}";
        return (Encoding.UTF8.GetBytes(json), 1);
    }

    // Median time per Run over batches of calls, in µs, for the churn and the wide model.
    private static (double Churn, double Wide) MeasureFloor(string churnPath)
    {
        using var env = OnnxRuntimeEnvironment.Create();
        var wide = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(churnPath)))!, "wide", "1", "model.onnx");
        return (FloorOf(env, churnPath, 8, 10_000), FloorOf(env, wide, 256, 300));
    }

    private static double FloorOf(OnnxRuntimeEnvironment env, string path, int features, int perBatch)
    {
        using var session = InferenceSession.Load(env, path);
        var row = new float[features];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = (i % 7) + 0.5f;
        }

        var bytes = MemoryMarshal.AsBytes(row.AsSpan()).ToArray();
        var inputs = new[] { new InputTensor(0, TensorElementType.Float32, new long[] { 1, features }, bytes) };
        var batches = new List<double>();
        for (var b = 0; b < 21; b++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < perBatch; i++)
            {
                using var result = session.Run(inputs);
            }

            if (b > 0)
            {
                batches.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / perBatch);
            }
        }

        return Stats.Median(batches);
    }
}
