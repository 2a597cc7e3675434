using System.Globalization;
using System.Text;
using ModelOperator.Contracts;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Issue 16, shadow traffic: stable's latency at concurrency 1 while it mirrors every request to a second real server,
/// beside the same server mirroring nothing, in one run (the two alternate in rounds so that drift of the machine hits
/// both alike); and what each copy costs the candidate.
/// </summary>
internal sealed class ShadowBenchmark(bool quick) : IBenchmarkSection
{
    private const string Revision = "churn-5ab1e00001";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Name => "shadow";

    public async Task<string> RunAsync()
    {
        var loadAtStart = LoadAverage();
        var rounds = quick ? 1 : 5;
        var warmup = TimeSpan.FromSeconds(quick ? 1 : 2);
        var duration = TimeSpan.FromSeconds(quick ? 2 : 5);
        var modelPath = Path.Combine(AppContext.BaseDirectory, "models", "churn", "1", "model.onnx");
        var (body, _) = ServerLatencyBenchmark.ChurnRequest();
        var folder = Directory.CreateTempSubdirectory("shadow-bench-").FullName;
        try
        {
            var serverEnv = new Dictionary<string, string> { ["MODEL_NAME"] = "churn", ["MODEL_URI"] = modelPath, ["LOG_FORMAT"] = "text" };
            await using var candidate = await ChildProcess.StartDotnetAsync("modelserver.dll", [], serverEnv, "/v2/health/ready").ConfigureAwait(false);
            var instruction = Path.Combine(folder, ShadowContract.ConfigKey);
            await File.WriteAllTextAsync(instruction, $$"""{"source":"{{Revision}}","target":"{{candidate.Url("/")}}","percent":100,"tolerance":0.000001}""").ConfigureAwait(false);
            await using var mirroring = await ChildProcess.StartDotnetAsync(
                "modelserver.dll",
                [],
                new Dictionary<string, string>(serverEnv) { [ShadowContract.ConfigFileEnv] = instruction, [ShadowContract.RevisionEnv] = Revision },
                "/v2/health/ready").ConfigureAwait(false);
            await using var plain = await ChildProcess.StartDotnetAsync("modelserver.dll", [], serverEnv, "/v2/health/ready").ConfigureAwait(false);

            var without = new List<LoadResult>();
            var with = new List<LoadResult>();
            var candidateCpu = TimeSpan.Zero;
            var stableCpuWith = TimeSpan.Zero;
            var stableCpuWithout = TimeSpan.Zero;
            for (var round = 0; round < rounds; round++)
            {
                var plainCpu = plain.CpuTime;
                without.Add(await LoadGenerator.RunAsync(plain.Url("/v2/models/churn/infer"), body, 1, warmup, duration).ConfigureAwait(false));
                stableCpuWithout += plain.CpuTime - plainCpu;

                var cpuBefore = candidate.CpuTime;
                var mirroringCpu = mirroring.CpuTime;
                with.Add(await LoadGenerator.RunAsync(mirroring.Url("/v2/models/churn/infer"), body, 1, warmup, duration).ConfigureAwait(false));
                stableCpuWith += mirroring.CpuTime - mirroringCpu;
                // The copies still queued when the phase ends are sent just after; wait for them before reading the CPU.
                await DrainedAsync(mirroring).ConfigureAwait(false);
                candidateCpu += candidate.CpuTime - cpuBefore;
            }

            var compared = await Report.ScrapeAsync(mirroring, ShadowContract.Copies, $"outcome=\"{ShadowContract.Compared}\"").ConfigureAwait(false);
            var failed = await Report.ScrapeAsync(mirroring, ShadowContract.Copies, $"outcome=\"{ShadowContract.Failed}\"").ConfigureAwait(false);
            var dropped = await Report.ScrapeAsync(mirroring, ShadowContract.Copies, $"outcome=\"{ShadowContract.Dropped}\"").ConfigureAwait(false);
            var agreements = await Report.ScrapeAsync(mirroring, ShadowContract.Agreements).ConfigureAwait(false);
            var candidateSeconds = await Report.ScrapeAsync(mirroring, ShadowContract.CandidateDuration + "_sum").ConfigureAwait(false);
            var candidateServed = await Report.ScrapeAsync(candidate, "modelserver_requests_total", "outcome=\"success\"").ConfigureAwait(false);
            var candidateServerSeconds = await Report.ScrapeAsync(candidate, "modelserver_request_duration_seconds_sum").ConfigureAwait(false);
            var servedWith = with.Sum(r => r.Requests) * (1 + (warmup / duration));
            var servedWithout = without.Sum(r => r.Requests) * (1 + (warmup / duration));

            var p50Without = Stats.Median(without.Select(r => r.Percentile(50)));
            var p50With = Stats.Median(with.Select(r => r.Percentile(50)));
            var p99Without = Stats.Median(without.Select(r => r.Percentile(99)));
            var p99With = Stats.Median(with.Select(r => r.Percentile(99)));
            var s = new StringBuilder();
            s.AppendLine("## Shadow traffic (churn model, batch 1, 100 % mirrored)");
            s.AppendLine();
            s.AppendLine(Inv, $"Three modelserver processes: a candidate, a stable one mirroring every request to it, and a stable one mirroring nothing; the two stable ones measured alternately at concurrency 1 by a closed-loop client over loopback, {rounds} round(s) of {duration.TotalSeconds:0} s each after {warmup.TotalSeconds:0} s of warm-up; medians across rounds. Errors (non-200): {with.Sum(r => r.Errors) + without.Sum(r => r.Errors)}.");
            s.AppendLine();
            s.AppendLine("| stable server | p50 µs | p99 µs | requests/s | server CPU per request µs |");
            s.AppendLine("|---|---|---|---|---|");
            s.AppendLine(Inv, $"| mirroring nothing | {p50Without:0} | {p99Without:0} | {Stats.Median(without.Select(r => r.Throughput)):0} | {stableCpuWithout.TotalMicroseconds / servedWithout:0.0} |");
            s.AppendLine(Inv, $"| mirroring 100 % | {p50With:0} | {p99With:0} | {Stats.Median(with.Select(r => r.Throughput)):0} | {stableCpuWith.TotalMicroseconds / servedWith:0.0} |");
            s.AppendLine();
            s.AppendLine(Inv, $"Load average when the section started: {loadAtStart}. Copies: {compared:0} compared ({agreements:0} agreed: the same model on both sides), {failed:0} failed, {dropped:0} dropped (queue of 256, 2 senders). The candidate's cost per copy: {candidateCpu.TotalMicroseconds / Math.Max(1, candidateServed):0.0} µs of its CPU (user + system over the mirroring phases, divided by the copies it answered), {1e6 * candidateServerSeconds / Math.Max(1, candidateServed):0} µs mean in its own request handling, and {1e6 * candidateSeconds / Math.Max(1, compared):0} µs mean round trip as the mirroring server sees it (send, answer, read).");
            var cpuWith = stableCpuWith.TotalMicroseconds / servedWith;
            var cpuWithout = stableCpuWithout.TotalMicroseconds / servedWithout;
            s.AppendLine();
            s.AppendLine(Inv, $"The stable server's own cost per copy: {cpuWith - cpuWithout:0.0} µs of CPU ({cpuWith:0.0} − {cpuWithout:0.0} µs per request). Unlike the p50 ratio it does not depend on the candidate sharing the cores, but on a machine loaded well past its cores (a load average far above 2) every CPU figure here is inflated by contention, so compare it only between runs at a similar load.");
            s.AppendLine();
            s.AppendLine(ProfileNote);
            s.AppendLine();
            s.AppendLine("| target | measured | verdict |");
            s.AppendLine("|---|---|---|");
            Report.Verdict(s, "stable p50 at concurrency 1 with 100 % mirroring within 10 % of without", $"{p50With:0} µs vs {p50Without:0} µs ({100 * (p50With - p50Without) / p50Without:+0.0;-0.0} %)", p50With <= 1.1 * p50Without);
            return s.ToString();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>What a profile of the mirroring server found, and what the copy path does about it (why the target can miss here).</summary>
    private const string ProfileNote =
        "Where a copy's CPU went (perf over the mirroring server, December 2026, before the copy path was reworked): the copy was sent with the async HttpClient from thread-pool senders, so every copy took two thread-pool hops (the enqueue waking a sender, the candidate's answer coming back through the socket engine's epoll thread to a worker), each followed by the pool's spin-wait (sched_yield alone was about 15 % of the process's samples); HttpClient's async pipeline was about 8 %, the kernel's loopback TCP send about 5 %, and reading both answers with JsonDocument plus the LINQ and per-copy metric labels about 2 %. "
        + "Now each sender is a dedicated thread that blocks on the queue and sends with the synchronous HttpClient.Send over a kept-alive connection, the request path only copies the body and the answer into rented buffers, and answers are read by the protocol's own reader into kept buffers and compared without allocating. "
        + "What remains per copy is one loopback HTTP exchange (send, wake on the answer, read) and the wake of a sender. At concurrency 1 on 2 cores the candidate (a whole second request per copy) and the client compete with the stable server for the same cores, so the p50 ratio measures the machine as much as the mirror; in a cluster the candidate runs on its own pods.";

    /// <summary>The 1-minute load average (Linux), since on a shared 2-core machine the candidate and other work compete with the stable server for the cores.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    /// <summary>Waits (up to 10 s) until every request the mirroring server answered has its copy accounted for (compared, failed or dropped).</summary>
    private static async Task DrainedAsync(ChildProcess mirroring)
    {
        for (var i = 0; i < 500; i++)
        {
            var answered = await Report.ScrapeAsync(mirroring, "modelserver_requests_total", "outcome=\"success\"").ConfigureAwait(false);
            var accounted = await Report.ScrapeAsync(mirroring, ShadowContract.Copies).ConfigureAwait(false);
            if (accounted >= answered)
            {
                return;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }
}
