using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Metrics;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Testing;
using Prometheus;

namespace ModelOperator.Deploy.Tests;

/// <summary>One metric family as an exposition shows it: its name, TYPE and the label names its samples carry.</summary>
public sealed record MetricFamily(string Name, string Type, IReadOnlySet<string> Labels, string Source)
{
    /// <summary>The series names a query can use: a histogram's _bucket, _sum and _count, else the name itself.</summary>
    public IEnumerable<string> SeriesNames => Type == "histogram" ? [Name + "_bucket", Name + "_sum", Name + "_count"] : [Name];
}

/// <summary>
/// What the code really exports, read from its own expositions rather than from a list kept by hand:
/// the operator's registry as its Program builds it (process metrics, then the wiring with its controller, reconciler and
/// leader gauge) with one ModelDeployment observed, and the real modelserver process serving the churn example with its
/// drift profile after one inference.
/// </summary>
internal static class ExportedMetrics
{
    private static readonly Lazy<IReadOnlyDictionary<string, MetricFamily>> OperatorFamilies = new(ReadOperator);
    private static readonly Lazy<Task<IReadOnlyDictionary<string, MetricFamily>>> ServerFamilies = new(ReadServerAsync);

    public static IReadOnlyDictionary<string, MetricFamily> Operator => OperatorFamilies.Value;

    public static Task<IReadOnlyDictionary<string, MetricFamily>> ServerAsync() => ServerFamilies.Value;

    public static async Task<IReadOnlyDictionary<string, MetricFamily>> AllAsync()
    {
        var all = new Dictionary<string, MetricFamily>(StringComparer.Ordinal);
        foreach (var (name, family) in Operator.Concat(await ServerAsync()))
        {
            // process_* and dotnet_* come from both; keep one entry and say so.
            all[name] = all.TryGetValue(name, out var seen) && seen.Source != family.Source ? family with { Source = "both" } : family;
        }

        return all;
    }

    /// <summary>Families of a Prometheus text exposition, keyed by name.</summary>
    public static Dictionary<string, MetricFamily> Parse(string exposition, string source)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var labels = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                labels.TryAdd(parts[2], new HashSet<string>(StringComparer.Ordinal));
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                if (!PrometheusText.TryParseSample(line, out var sample))
                {
                    throw new InvalidOperationException($"\"{line}\" is not a sample line");
                }

                var family = types.ContainsKey(sample.Name) ? sample.Name : StripHistogramSuffix(sample.Name);
                if (!labels.TryGetValue(family, out var set))
                {
                    throw new InvalidOperationException($"sample {sample.Name} has no TYPE line");
                }

                set.UnionWith(sample.Labels.Keys.Where(label => label != "le"));
            }
        }

        return types.ToDictionary(t => t.Key, t => new MetricFamily(t.Key, t.Value, labels[t.Key], source), StringComparer.Ordinal);
    }

    private static string StripHistogramSuffix(string series)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal))
            {
                return series[..^suffix.Length];
            }
        }

        return series;
    }

    private static IReadOnlyDictionary<string, MetricFamily> ReadOperator()
    {
        // As operator/ModelOperator.Operator/Program.cs builds it. The client never connects: nothing is started.
        var registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);
        using var client = new KubernetesClient(new KubernetesConfiguration { Server = new Uri("http://127.0.0.1:9"), Namespace = "default" });
        var options = new OperatorOptions { DefaultImage = "modelserver:test" };
        using var http = new OutboundHttp(options, TimeProvider.System);
        OperatorWiring.Create(client, options, TimeProvider.System, NullLoggerFactory.Instance, registry, http);
        var families = Parse(registry.Scrape(), "operator");

        // The wiring's reconciler has observed nothing yet, so its per-ModelDeployment gauges and its counters' labels
        // are not in that exposition: the same class, fed one ModelDeployment, a promotion, a rollback and a webhook call, shows them.
        var observed = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new OperatorMetrics(observed);
        metrics.Observe(new ObjectKey("ml", "churn"), new OperatorMetrics.DeploymentGauges(25, "Progressing", 3, 1));
        metrics.Promoted();
        metrics.RolledBack("HighErrorRate");
        metrics.WebhookCalled("confirm", "success");
        foreach (var (name, family) in Parse(observed.Scrape(), "operator"))
        {
            families[name] = families.TryGetValue(name, out var known)
                ? known with { Labels = known.Labels.Union(family.Labels, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal) }
                : family;
        }

        return families;
    }

    private static async Task<IReadOnlyDictionary<string, MetricFamily>> ReadServerAsync()
    {
        var port = LoopbackPorts.Free();
        var models = Path.Combine(AppContext.BaseDirectory, "models", "churn");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [Path.Combine(AppContext.BaseDirectory, "modelserver.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MODEL_", StringComparison.Ordinal) || k.StartsWith("DRIFT_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["HOST"] = "127.0.0.1";
        info.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["GRPC_PORT"] = "0";
        info.Environment["MODEL_NAME"] = "churn";
        info.Environment["MODEL_VERSION"] = "1";
        info.Environment["MODEL_URI"] = Path.Combine(models, "model.onnx");
        info.Environment["MODEL_PROFILE_URI"] = Path.Combine(models, "profile.json");
        info.Environment["DRIFT_MIN_SAMPLES"] = "1"; // so that one far-off batch starts a drift episode and its timestamp gauge appears

        var output = new StringBuilder();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilReadyAsync(http, process, output);
            using var infer = await http.PostAsync("v2/models/churn/infer", new StringContent(
                """{"inputs":[{"name":"features","shape":[2,8],"datatype":"FP32","data":[35,28.72,5,1,5,14,0,4,2,90.1,1,0,1,3,1,1]}]}""",
                Encoding.UTF8, "application/json"));
            Assert.True(infer.IsSuccessStatusCode, $"inference failed: {(int)infer.StatusCode} {await infer.Content.ReadAsStringAsync()}");
            var farOff = string.Join(',', Enumerable.Repeat("1000", 20 * 8));
            using var drifting = await http.PostAsync("v2/models/churn/infer", new StringContent(
                $$"""{"inputs":[{"name":"features","shape":[20,8],"datatype":"FP32","data":[{{farOff}}]}]}""", Encoding.UTF8, "application/json"));
            Assert.True(drifting.IsSuccessStatusCode, $"inference failed: {(int)drifting.StatusCode} {await drifting.Content.ReadAsStringAsync()}");
            return Parse(await http.GetStringAsync("metrics"), "modelserver");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, Process process, StringBuilder output)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                break;
            }

            try
            {
                using var ready = await http.GetAsync("v2/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        lock (output)
        {
            Assert.Fail($"modelserver did not get ready; its output:\n{output}");
        }
    }
}
