using System.Diagnostics;
using System.Globalization;
using System.Text;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Metrics;
using ModelOperator.Operator.Hosting;
using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Metrics;
using Prometheus;

namespace ModelOperator.Benchmarks;

/// <summary>
/// prometheus-net as the two processes use it, in process: recording on a cached child (the request path's cost), a
/// model server's scrape (its registry as it runs with the churn drift profile) and the operator's scrape with 1000
/// ModelDeployments' worth of series, with what those series cost in memory.
/// </summary>
internal sealed class MetricsBenchmark : IBenchmarkSection
{
    private const int ModelDeployments = 1000;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Phases = ["Pending", "Progressing", "Paused", "Healthy", "Degraded", "RolledBack", "Invalid"];

    public string Name => "metrics";

    public async Task<string> RunAsync()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        Counter.Child counter = factory.CreateCounter("bench_total", "bench", ["model", "version", "outcome"]).WithLabels("churn", "1", "success");
        Gauge.Child gauge = factory.CreateGauge("bench_in_flight", "bench", ["model", "version"]).WithLabels("churn", "1");
        Histogram.Child histogram = factory.CreateHistogram("bench_seconds", "bench", ["model", "version"],
            new HistogramConfiguration { Buckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] })
            .WithLabels("churn", "1");
        var inc = PerCall(() => counter.Inc());
        var set = PerCall(() => gauge.Set(3));
        var observe = PerCall(() => histogram.Observe(0.00042));

        var (serverRegistry, serverSeries) = ServerRegistry(withProcess: true);
        var (serverOnly, _) = ServerRegistry(withProcess: false);
        var serverScrape = await ScrapeAsync(serverRegistry, ExpositionFormat.PrometheusText, 2000).ConfigureAwait(false);
        var serverOpenMetrics = await ScrapeAsync(serverRegistry, ExpositionFormat.OpenMetricsText, 2000).ConfigureAwait(false);
        var serverNoProcess = await ScrapeAsync(serverOnly, ExpositionFormat.PrometheusText, 2000).ConfigureAwait(false);

        var (operatorRegistry, operatorMetrics, perDeployment, observeChanged, observeSame) = OperatorRegistry();
        var operatorScrape = await ScrapeAsync(operatorRegistry, ExpositionFormat.PrometheusText, 30).ConfigureAwait(false);
        var operatorOpenMetrics = await ScrapeAsync(operatorRegistry, ExpositionFormat.OpenMetricsText, 30).ConfigureAwait(false);
        GC.KeepAlive(operatorMetrics);

        var s = new StringBuilder();
        s.AppendLine("## Metrics (prometheus-net, custom registries)");
        s.AppendLine();
        s.AppendLine("In process, on the bench's thread. Recording: ns per call over 20 batches of 1 000 000 calls on a cached child (median batch, and the best batch, " +
            "which a busy machine disturbs least), bytes from the thread's allocation counter. Scrapes: time to write the whole exposition into a reused " +
            "MemoryStream, before-collect callbacks included (median and best scrape), bytes allocated per scrape. " +
            $"Load average when the section started: {Machine.LoadAverage()} on {Environment.ProcessorCount} cores.");
        s.AppendLine();
        s.AppendLine("| what | median | best | allocated |");
        s.AppendLine("|---|---|---|---|");
        s.AppendLine(Inv, $"| counter Inc (cached child) | {inc.Nanos:0.0} ns | {inc.Best:0.0} ns | {inc.Bytes:0.###} B |");
        s.AppendLine(Inv, $"| gauge Set (cached child) | {set.Nanos:0.0} ns | {set.Best:0.0} ns | {set.Bytes:0.###} B |");
        s.AppendLine(Inv, $"| histogram Observe, 15 buckets (cached child) | {observe.Nanos:0.0} ns | {observe.Best:0.0} ns | {observe.Bytes:0.###} B |");
        s.AppendLine(Inv, $"| model-server scrape, text ({serverSeries} series, {serverScrape.Size} B: the churn example with its drift profile, process series included) | {serverScrape.Micros:0.0} µs | {serverScrape.Best:0.0} µs | {serverScrape.Bytes:0} B |");
        s.AppendLine(Inv, $"| the same, OpenMetrics | {serverOpenMetrics.Micros:0.0} µs | {serverOpenMetrics.Best:0.0} µs | {serverOpenMetrics.Bytes:0} B |");
        s.AppendLine(Inv, $"| the same without the process series (their callback reads /proc) | {serverNoProcess.Micros:0.0} µs | {serverNoProcess.Best:0.0} µs | {serverNoProcess.Bytes:0} B |");
        s.AppendLine(Inv, $"| operator scrape, text, {ModelDeployments} ModelDeployments ({operatorScrape.Series} series, {operatorScrape.Size / 1024.0:0} KiB) | {operatorScrape.Micros / 1000:0.00} ms | {operatorScrape.Best / 1000:0.00} ms | {operatorScrape.Bytes / 1024.0:0} KiB |");
        s.AppendLine(Inv, $"| the same, OpenMetrics | {operatorOpenMetrics.Micros / 1000:0.00} ms | {operatorOpenMetrics.Best / 1000:0.00} ms | {operatorOpenMetrics.Bytes / 1024.0:0} KiB |");
        s.AppendLine(Inv, $"| operator: Observe of one ModelDeployment whose gauges changed / did not change | {observeChanged:0} ns / {observeSame:0} ns | | |");
        s.AppendLine(Inv, $"| operator: managed memory of one ModelDeployment's series (canary weight, step, 7 phases, 1 in 2 with 2 recommended-replica series) | {perDeployment:0} B | | |");
        s.AppendLine();
        s.AppendLine("| target | measured | verdict |");
        s.AppendLine("|---|---|---|");
        var worst = Math.Max(inc.Nanos, Math.Max(set.Nanos, observe.Nanos));
        var worstBytes = Math.Max(inc.Bytes, Math.Max(set.Bytes, observe.Bytes));
        Report.Verdict(s, "observe on a cached child ≤ 25 ns and 0 B", $"{worst:0.0} ns at most (histogram Observe {observe.Nanos:0.0} ns), {worstBytes:0.###} B", worst <= 25 && worstBytes < 0.001);
        Report.Verdict(s, "a model-server scrape ≤ 50 µs", $"{serverScrape.Micros:0.0} µs (text), {serverOpenMetrics.Micros:0.0} µs (OpenMetrics)", Math.Max(serverScrape.Micros, serverOpenMetrics.Micros) <= 50);
        Report.Verdict(s, $"the operator's scrape at {ModelDeployments} ModelDeployments ≤ 10 ms", $"{operatorScrape.Micros / 1000:0.00} ms (text), {operatorOpenMetrics.Micros / 1000:0.00} ms (OpenMetrics)",
            Math.Max(operatorScrape.Micros, operatorOpenMetrics.Micros) <= 10_000);
        s.AppendLine();
        s.AppendLine("Server allocation per request (≤ 2 KB, the server's process series read over HTTP) is measured in the inference-server section.");
        return s.ToString();
    }

    // A model server's registry as ServerApp and ModelLoader build it for the churn example with its drift profile,
    // after some traffic.
    private static (CollectorRegistry Registry, int Series) ServerRegistry(bool withProcess)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        if (withProcess)
        {
            ProcessMetrics.Register(registry);
        }

        var modelDir = Path.Combine(AppContext.BaseDirectory, "models", "churn", "1");
        var metrics = new ServerMetrics(registry, new ServerOptions { ModelName = "churn", ModelVersion = "1", ModelUri = Path.Combine(modelDir, "model.onnx") });
        var profile = ReferenceProfileJson.Deserialize(File.ReadAllText(Path.Combine(modelDir, "profile.json")));
        var monitor = new DriftMonitor(profile, new DriftMonitorOptions(), TimeProvider.System);
        DriftMetrics.Register(registry, "churn", "1", monitor);
        metrics.ModelInfo(new string('a', 64), "1.32.0");
        metrics.Ready.Set(1);
        metrics.LoadDuration.Set(0.25);
        metrics.SessionsCreated.Inc();
        var prediction = metrics.Predictions.WithLabels("churn", "1", "churn_probability");
        var features = new float[] { 35, 28.72f, 5, 1, 5, 14, 0, 4 };
        for (var i = 0; i < 1000; i++)
        {
            metrics.CountRequest(ServerMetrics.Outcome.Success);
            metrics.RequestDuration.Observe(0.00006 * (1 + (i % 7)));
            metrics.InferenceDuration.Observe(0.00002 * (1 + (i % 5)));
            prediction.Observe((i % 20) / 20.0);
            monitor.Record(features, 1, [(i % 20) / 20f]);
        }

        var series = Exposition(registry, ExpositionFormat.PrometheusText).Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        return (registry, series);
    }

    // The operator's registry as Program and OperatorWiring build it, with ModelDeployments observed as the reconciler
    // observes them: phases spread over the seven, one in two autoscaled, a few finished rollouts.
    private static (CollectorRegistry Registry, OperatorMetrics Metrics, double BytesPerDeployment, double ObserveChangedNanos, double ObserveSameNanos) OperatorRegistry()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);
        var controller = new ControllerMetrics(registry).For("modeldeployments");
        for (var i = 0; i < 100; i++)
        {
            controller.Added();
            controller.DepthChanged(i % 10);
            controller.Dequeued(TimeSpan.FromMilliseconds(i));
            controller.Processed(TimeSpan.FromMilliseconds(2 * i));
        }

        Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge("leader_election_master_status", "1 while this replica holds the leader Lease, else 0.", ["name"])
            .WithLabels("modeloperator-leader").Set(1);
        var metrics = new OperatorMetrics(registry);
        metrics.Promoted();
        metrics.RolledBack("HighErrorRate");
        metrics.RolledBack("PredictionDrift");
        var keys = Enumerable.Range(0, ModelDeployments).Select(i => new ObjectKey($"team-{i % 20}", $"model-{i}")).ToArray();

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < keys.Length; i++)
        {
            metrics.Observe(keys[i], Gauges(i, 0));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perDeployment = (after - before) / (double)ModelDeployments;

        // Observe again: 20 rounds in which every state changes (another weight, step and phase), then nothing changes.
        var t0 = Stopwatch.GetTimestamp();
        for (var round = 1; round <= 20; round++)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                metrics.Observe(keys[i], Gauges(i, round));
            }
        }

        var changed = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / (20.0 * keys.Length);
        var states = keys.Select((_, i) => Gauges(i, 20)).ToArray();
        t0 = Stopwatch.GetTimestamp();
        for (var round = 0; round < 100; round++)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                metrics.Observe(keys[i], states[i]);
            }
        }

        var same = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / (100.0 * keys.Length);
        return (registry, metrics, perDeployment, changed, same);
    }

    private static OperatorMetrics.DeploymentGauges Gauges(int i, int round)
    {
        var autoscaled = i % 2 == 0;
        return new OperatorMetrics.DeploymentGauges(
            CanaryWeight: ((i + round) % 5) * 10,
            Phase: Phases[(i + round) % Phases.Length],
            StableRecommended: autoscaled ? 3 : null,
            CanaryRecommended: autoscaled ? 1 : null,
            Step: (i + round) % 4);
    }

    private static (double Nanos, double Best, double Bytes) PerCall(Action record)
    {
        const int perBatch = 1_000_000;
        for (var i = 0; i < perBatch; i++)
        {
            record();
        }

        var batches = new List<double>();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var b = 0; b < 20; b++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < perBatch; i++)
            {
                record();
            }

            batches.Add(Stopwatch.GetElapsedTime(t0).TotalNanoseconds / perBatch);
        }

        return (Stats.Median(batches), batches.Min(), (GC.GetAllocatedBytesForCurrentThread() - allocated) / (20.0 * perBatch));
    }

    private static async Task<(double Micros, double Best, double Bytes, long Size, int Series)> ScrapeAsync(CollectorRegistry registry, ExpositionFormat format, int scrapes)
    {
        using var buffer = new MemoryStream();
        // Warm up for a second at least, so that tiered compilation has finished with the exposition code.
        var warmup = Stopwatch.StartNew();
        for (var i = 0; i < scrapes || warmup.Elapsed < TimeSpan.FromSeconds(1); i++)
        {
            buffer.SetLength(0);
            await registry.CollectAndExportAsTextAsync(buffer, format).ConfigureAwait(false);
        }

        var times = new List<double>();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < scrapes; i++)
        {
            buffer.SetLength(0);
            var t0 = Stopwatch.GetTimestamp();
            await registry.CollectAndExportAsTextAsync(buffer, format).ConfigureAwait(false);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)scrapes;
        var series = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        return (Stats.Median(times), times.Min(), bytes, buffer.Length, series);
    }

    private static string Exposition(CollectorRegistry registry, ExpositionFormat format)
    {
        using var buffer = new MemoryStream();
        registry.CollectAndExportAsTextAsync(buffer, format).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
