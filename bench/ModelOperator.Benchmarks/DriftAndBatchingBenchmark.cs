using System.Diagnostics;
using System.Globalization;
using System.Text;
using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Drift;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Issue "Drift, data-quality signals and dynamic batching": the request-path cost of drift
/// (in-process per-request cost, and end-to-end p50 with and without a profile), and dynamic
/// batching on the wide MLP at concurrency 16 (throughput) and 1 (p50), batching on vs off.
/// </summary>
internal sealed class DriftAndBatchingBenchmark(bool quick) : IBenchmarkSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Name => "drift-and-batching";

    public async Task<string> RunAsync()
    {
        var rounds = quick ? 1 : 3;
        var warmup = TimeSpan.FromSeconds(quick ? 1 : 2);
        var duration = TimeSpan.FromSeconds(quick ? 2 : 5);
        var models = Path.Combine(AppContext.BaseDirectory, "models");
        var churn = Path.Combine(models, "churn", "1", "model.onnx");
        var profile = Path.Combine(models, "churn", "1", "profile.json");
        var wide = Path.Combine(models, "wide", "1", "model.onnx");

        var perRequest = MeasureDriftRecord(churn, profile, "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[35,28.72,5,1,5,14,0,4]}]}");
        var perStringRequest = MeasureDriftRecord(
            Path.Combine(models, "strings", "1", "model.onnx"),
            Path.Combine(models, "strings", "1", "profile.json"),
            "{\"inputs\":[{\"name\":\"colour\",\"shape\":[1,2],\"datatype\":\"BYTES\",\"data\":[\"red\",\"blue\"]},{\"name\":\"count\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[3]}]}");

        var churnBody = Encoding.UTF8.GetBytes("{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[35,28.72,5,1,5,14,0,4]}]}");
        var wideBody = Encoding.UTF8.GetBytes("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,256],\"datatype\":\"FP32\",\"data\":[" +
            string.Join(',', Enumerable.Range(0, 256).Select(i => ((i % 17) * 0.1).ToString("0.0", Inv))) + "]}]}");

        var driftOff = new List<double>();
        var driftOn = new List<double>();
        var batchOff16 = new List<double>();
        var batchOn16 = new List<double>();
        var batchOff1 = new List<double>();
        var batchOn1 = new List<double>();
        var meanRows = new List<double>();
        {
            await using var plain = await StartAsync("churn", churn, []).ConfigureAwait(false);
            await using var withProfile = await StartAsync("churn", churn, new() { ["MODEL_PROFILE_URI"] = profile }).ConfigureAwait(false);
            for (var round = 0; round < rounds; round++)
            {
                // Alternate which goes first, so that a warming machine favours neither.
                foreach (var on in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var target = (on ? withProfile : plain).Url("/v2/models/churn/infer");
                    (on ? driftOn : driftOff).Add((await LoadGenerator.RunAsync(target, churnBody, 1, warmup, duration).ConfigureAwait(false)).Percentile(50));
                }
            }
        }

        {
            await using var unbatched = await StartAsync("wide", wide, []).ConfigureAwait(false);
            await using var batched = await StartAsync("wide", wide, new() { ["MAX_BATCH_SIZE"] = "32", ["MAX_BATCH_DELAY"] = "2ms" }).ConfigureAwait(false);
            var off = unbatched.Url("/v2/models/wide/infer");
            var on = batched.Url("/v2/models/wide/infer");
            for (var round = 0; round < rounds; round++)
            {
                batchOff16.Add((await LoadGenerator.RunAsync(off, wideBody, 16, warmup, duration).ConfigureAwait(false)).Throughput);
                var before = await RowsPerRunAsync(batched).ConfigureAwait(false);
                batchOn16.Add((await LoadGenerator.RunAsync(on, wideBody, 16, warmup, duration).ConfigureAwait(false)).Throughput);
                var after = await RowsPerRunAsync(batched).ConfigureAwait(false);
                meanRows.Add((after.Rows - before.Rows) / Math.Max(1, after.Runs - before.Runs));
                batchOff1.Add((await LoadGenerator.RunAsync(off, wideBody, 1, warmup, duration).ConfigureAwait(false)).Percentile(50));
                batchOn1.Add((await LoadGenerator.RunAsync(on, wideBody, 1, warmup, duration).ConfigureAwait(false)).Percentile(50));
            }
        }

        var p50Off = Stats.Median(driftOff);
        var p50On = Stats.Median(driftOn);
        var allowed = Math.Max(0.02 * p50Off, 5);
        var throughputRatio = Stats.Median(batchOn16) / Stats.Median(batchOff16);
        var latencyRatio = Stats.Median(batchOn1) / Stats.Median(batchOff1);

        var s = new StringBuilder();
        s.AppendLine("## Drift signals and dynamic batching");
        s.AppendLine();
        s.AppendLine(Inv, $"{rounds} round(s) of {duration.TotalSeconds:0} s per phase; each server is its own process; medians across rounds.");
        s.AppendLine();
        s.AppendLine("| measurement | value |");
        s.AppendLine("|---|---|");
        s.AppendLine(Inv, $"| drift recording per request, in process (churn: 8 features + 1 output, batch 1) | {perRequest.Micros:0.00} µs, {perRequest.Bytes:0.###} B allocated per request |");
        s.AppendLine(Inv, $"| drift recording per request, in process (strings: 2 text + 1 numeric features, 3 outputs, batch 1, known strings) | {perStringRequest.Micros:0.00} µs, {perStringRequest.Bytes:0.###} B allocated per request |");
        s.AppendLine(Inv, $"| churn p50, concurrency 1, no profile | {p50Off:0} µs |");
        s.AppendLine(Inv, $"| churn p50, concurrency 1, with profile (drift on) | {p50On:0} µs (difference {p50On - p50Off:0} µs; HTTP timing noise on this machine is larger than the in-process cost above) |");
        s.AppendLine(Inv, $"| wide MLP, concurrency 16, throughput without / with batching (max 32 rows, 2 ms) | {Stats.Median(batchOff16):0} / {Stats.Median(batchOn16):0} req/s, mean {Stats.Median(meanRows):0.0} rows per run |");
        s.AppendLine(Inv, $"| wide MLP, concurrency 1, p50 without / with batching | {Stats.Median(batchOff1):0} / {Stats.Median(batchOn1):0} µs |");
        s.AppendLine();
        s.AppendLine("| target | measured | verdict |");
        s.AppendLine("|---|---|---|");
        Report.Verdict(s, "drift cost ≤ max(2 % of churn p50, 5 µs) per request", $"{perRequest.Micros:0.00} µs in process vs {allowed:0.0} µs allowed", perRequest.Micros <= allowed);
        Report.Verdict(s, "no allocation per request for drift (below 1 byte on average)", $"{perRequest.Bytes:0.###} B", perRequest.Bytes < 1);
        Report.Verdict(s, "no allocation per request for string drift (below 1 byte on average)", $"{perStringRequest.Bytes:0.###} B", perStringRequest.Bytes < 1);
        Report.Verdict(s, "batching throughput at concurrency 16 ≥ 1.5 × without", $"{throughputRatio:0.00} ×", throughputRatio >= 1.5);
        Report.Verdict(s, "batching p50 at concurrency 1 ≤ 1.1 × without", $"{latencyRatio:0.00} ×", latencyRatio <= 1.1);
        return s.ToString();
    }


    private static Task<ChildProcess> StartAsync(string name, string model, Dictionary<string, string> extra)
    {
        var env = new Dictionary<string, string>(extra) { ["MODEL_NAME"] = name, ["MODEL_URI"] = model };
        return ChildProcess.StartDotnetAsync("modelserver.dll", [], env, "/v2/health/ready");
    }

    private static async Task<(double Runs, double Rows)> RowsPerRunAsync(ChildProcess server) =>
        (await Report.ScrapeAsync(server, "modelserver_batch_size_rows_count").ConfigureAwait(false),
         await Report.ScrapeAsync(server, "modelserver_batch_size_rows_sum").ConfigureAwait(false));

    // The prediction recorder's Record for one request, in process: the exact request-path work.
    private static (double Micros, double Bytes) MeasureDriftRecord(string model, string profilePath, string body)
    {
        using var env = OnnxRuntimeEnvironment.Create();
        using var session = InferenceSession.Load(env, model);
        var signature = LoadedModel.SignatureOf(session);
        var profile = ReferenceProfileJson.Deserialize(File.ReadAllText(profilePath));
        var histogram = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry())
            .CreateHistogram("bench_prediction", "bench", ["model", "version", "output"], new Prometheus.HistogramConfiguration { Buckets = [0.5, 1] });
        var monitor = new DriftMonitor(profile, new DriftMonitorOptions(), TimeProvider.System);
        var tracker = new PredictionRecorder(FeatureLayout.Create(signature), monitor, histogram, "bench", "1");
        var request = new InferenceRequest(signature);
        InferenceRequestParser.Parse(Encoding.UTF8.GetBytes(body), request);
        var inputs = new InputTensor[request.Inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var slot = request.Inputs[i];
            inputs[i] = new InputTensor(i, LoadedModel.ToElementType(slot.DataType), slot.Shape, slot.Data);
        }

        using var result = session.Run(inputs);
        var view = new OutputView(result, 0, 1, 1);
        for (var i = 0; i < 10_000; i++)
        {
            tracker.Record(request, view);
        }

        var batches = new List<double>();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        const int perBatch = 50_000;
        for (var b = 0; b < 11; b++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < perBatch; i++)
            {
                tracker.Record(request, view);
            }

            batches.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / perBatch);
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (11.0 * perBatch);
        return (Stats.Median(batches), bytes);
    }
}
