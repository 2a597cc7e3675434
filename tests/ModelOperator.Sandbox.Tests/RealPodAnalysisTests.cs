using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Contracts;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Sandbox.Tests;

/// <summary>
/// Server to operator over real pods: the sandbox's node agent runs a stable and a canary pod of churn as real model
/// server processes; they serve real traffic and count it; the operator's direct provider scrapes their <c>/metrics</c>
/// the way it does in a cluster, and the pure evaluator decides. The decision must name what the servers saw, with
/// their counts and their own drift scores (<c>GET /v2/models/churn/stats</c>). No operator process, no Prometheus.
/// </summary>
[Collection(nameof(RealProcesses))]
public sealed class RealPodAnalysisTests
{
    private const int Rows = 400; // per revision, sent in batches: above minSamples 100, small enough for seconds
    private const int Batch = 50;
    private const int Tenure = 0; // tenure_months, numeric 0..72
    private const int Contract = 3; // contract_months, categorical 1 / 12 / 24
    private const float NewContract = 36; // a contract length the reference never saw

    private static readonly AnalysisSpec Spec = new()
    {
        MaxUnseenCategoryShare = 0.05, MaxFeatureDrift = 0.25, MaxPredictionDrift = 0.4, MinSamples = 100,
    };

    [Fact]
    public async Task The_analysis_of_real_pods_names_the_new_category_column_the_drifted_feature_and_how_predictions_moved_with_the_servers_numbers()
    {
        // Given a stable and a canary pod of churn version 2 with its reference profile, each a real model server
        await using var bed = await SandboxTestBed.StartAsync();
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var stablePod = await ServeAsync(bed, "churn-stable");
        var canaryPod = await ServeAsync(bed, "churn-canary");

        // When stable serves reference rows, and the canary the same rows with a new contract length in every fourth row
        // and tenure cut to a third (shifted inputs, and so predictions)
        var reference = ReferenceRows(Rows);
        var shifted = reference.Select((row, i) =>
        {
            var copy = (float[])row.Clone();
            copy[Tenure] = MathF.Round(row[Tenure] / 3);
            copy[Contract] = i % 4 == 0 ? NewContract : row[Contract];
            return copy;
        }).ToList();
        using var http = new HttpClient();
        var stableAnswers = await InferAsync(http, stablePod, reference);
        var canaryAnswers = await InferAsync(http, canaryPod, shifted);
        var stableStats = await SeenAsync(http, stablePod);
        var canaryStats = await SeenAsync(http, canaryPod);

        // And the operator measures the canary with its direct provider and judges it
        using var outbound = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var provider = new DirectAnalysisProvider(new HttpPodScraper(outbound, 8080, TimeSpan.FromSeconds(10), SandboxNames.PortAnnotation), NullLogger<DirectAnalysisProvider>.Instance);
        var result = await provider.MeasureAsync(Request("churn-canary", [canaryPod], [stablePod]), CancellationToken.None);
        var verdict = AnalysisEvaluator.Evaluate("churn-canary", result, new PodHealth { Pods = 1, Ready = 1 }, 1, AnalysisCriteria.FromSpec(Spec, 3));

        // Then data quality fails on contract_months, with the server's own count: 100 unseen of 400 values, since the canary began
        Assert.Equal(Verdict.Failed, verdict.Verdict);
        var unseen = verdict.Metrics.Single(v => v.Metric == MetricNames.UnseenCategoryShare);
        Assert.Equal((Verdict.Failed, Reasons.DataQuality), (unseen.Verdict, unseen.Reason));
        var column = unseen.Causes![0];
        var served = Feature(canaryStats, "contract_months");
        Assert.Equal(("contract_months", (long)Rows, Rows / 4), (column.Name, column.Samples, served.GetProperty("dataQuality").GetProperty("unseenCategory").GetInt32()));
        Assert.Equal(served.GetProperty("samples").GetInt64(), column.Samples);
        Assert.Equal(0.25, column.Score, 12);
        Assert.Equal("100 of 400 values unseen (not a reference category)", column.Summary);
        Assert.InRange(column.Since!.Value, started, DateTimeOffset.UtcNow);
        Assert.Contains($"caused by contract_months (share 25 % over 400 values: {column.Summary}; since ", unseen.Message, StringComparison.Ordinal);

        // And feature drift names the features that moved, each with the score and the count the server computed itself
        var features = verdict.Metrics.Single(v => v.Metric == MetricNames.FeatureDrift);
        Assert.Equal(Verdict.Failed, features.Verdict);
        Assert.Contains(features.Causes!, c => c.Name == "tenure_months");
        Assert.All(features.Causes!, c =>
        {
            var own = Feature(canaryStats, c.Name);
            Assert.Equal(own.GetProperty("psi").GetDouble(), c.Score, 9);
            Assert.Equal(own.GetProperty("samples").GetInt64(), c.Samples);
        });
        Assert.Equal(features.Causes![0].Score, features.Value!.Value, 9);

        // And prediction drift says how predictions moved, with the shares the answers themselves show
        var predictions = verdict.Metrics.Single(v => v.Metric == MetricNames.PredictionDrift);
        var moved = Assert.Single(predictions.Causes!);
        Assert.Equal(("churn_probability", (long)Rows), (moved.Name, moved.Samples));
        var words = System.Text.RegularExpressions.Regex.Match(moved.Summary, @"^share of predictions above (?<cut>[0-9.]+): stable (?<stable>[0-9.]+) %, canary (?<canary>[0-9.]+) %$");
        Assert.True(words.Success, moved.Summary);
        var cut = double.Parse(words.Groups["cut"].Value, CultureInfo.InvariantCulture);
        Assert.Equal(DriftCauses.Percent(ShareAbove(stableAnswers, cut)), words.Groups["stable"].Value + " %");
        Assert.Equal(DriftCauses.Percent(ShareAbove(canaryAnswers, cut)), words.Groups["canary"].Value + " %");
        Assert.NotEqual(words.Groups["stable"].Value, words.Groups["canary"].Value);

        // And stable, judged by the same provider on its own pod, is not blamed: its profile knows every value it got
        var stableResult = await provider.MeasureAsync(Request("churn-stable", [stablePod], []), CancellationToken.None);
        var stableVerdict = AnalysisEvaluator.Evaluate("churn-stable", stableResult, new PodHealth { Pods = 1, Ready = 1 }, 1, AnalysisCriteria.FromSpec(Spec with { MaxPredictionDrift = null }, 3));
        Assert.Equal((0.0, (long)Rows), (stableResult.UnseenCategoryShare!.Value, stableResult.UnseenCategoryShare.Samples));
        Assert.Equal(0, stableStats.GetProperty("dataQuality").GetProperty("unseenCategory").GetInt32());
        Assert.Equal(Verdict.Successful, stableVerdict.Metrics.Single(v => v.Metric == MetricNames.UnseenCategoryShare).Verdict);
    }

    private static AnalysisRequest Request(string revision, IReadOnlyList<Pod> canary, IReadOnlyList<Pod> stable) =>
        new(new ObjectKey(SandboxTestBed.Namespace, "churn"), Spec, revision, stable.Count > 0 ? "churn-stable" : null, canary, stable, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow);

    /// <summary>One ready pod of churn version 2 with its reference profile, named after its Deployment.</summary>
    private static async Task<Pod> ServeAsync(SandboxTestBed bed, string name)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        await bed.Client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment(name, 1, labels,
            (ModelServerEnv.ModelName, "churn"), (ModelServerEnv.ModelVersion, "2"), (ModelServerEnv.ModelUri, SandboxTestBed.ChurnModel(2)),
            (ModelServerEnv.ProfileUri, Path.Combine(Path.GetDirectoryName(SandboxTestBed.ChurnModel(2))!, "profile.json"))));
        var pods = await SandboxTestBed.EventuallyAsync(
            () => bed.PodsAsync("app=" + name),
            p => p.Count == 1 && IsReady(p[0]),
            TimeSpan.FromSeconds(60),
            p => $"{p.Count} pods, ready: {string.Join(", ", p.Select(IsReady))}");
        return pods[0];
    }

    /// <summary>The first <paramref name="count"/> rows of the reference data (examples/models/churn/reference.csv).</summary>
    private static List<float[]> ReferenceRows(int count) =>
        File.ReadLines(Path.Combine(SandboxTestBed.RepositoryRoot, "examples", "models", "churn", "reference.csv"))
            .Skip(1)
            .Take(count)
            .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToList();

    /// <summary>Sends <paramref name="rows"/> to the pod in batches; returns the churn probability of each row.</summary>
    private static async Task<List<double>> InferAsync(HttpClient http, Pod pod, IReadOnlyList<float[]> rows)
    {
        var answers = new List<double>();
        foreach (var batch in rows.Chunk(Batch))
        {
            var body = new { inputs = new[] { new { name = "features", shape = new[] { batch.Length, 8 }, datatype = "FP32", data = batch.SelectMany(r => r).ToArray() } } };
            using var response = await http.PostAsJsonAsync(new Uri(PodUrl(pod), "v2/models/churn/infer"), body);
            response.EnsureSuccessStatusCode();
            var outputs = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["outputs"]![0]!["data"]!.AsArray();
            answers.AddRange(outputs.Select(o => o!.GetValue<double>()));
        }

        return answers;
    }

    /// <summary>The pod's own drift statistics once its drift window holds every row sent (the server records them after answering).</summary>
    private static async Task<JsonElement> SeenAsync(HttpClient http, Pod pod) =>
        await SandboxTestBed.EventuallyAsync(
            async () => JsonDocument.Parse(await http.GetStringAsync(new Uri(PodUrl(pod), "v2/models/churn/stats"))).RootElement.Clone(),
            s => s.GetProperty("rows").GetInt64() == Rows,
            TimeSpan.FromSeconds(20),
            s => $"{s.GetProperty("rows")} rows in the drift window of {pod.Metadata.Name}");

    private static JsonElement Feature(JsonElement stats, string name) =>
        stats.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

    private static double ShareAbove(IReadOnlyList<double> answers, double cut) => answers.Count(a => a > cut) / (double)answers.Count;

    private static bool IsReady(Pod pod) => pod.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true;

    private static Uri PodUrl(Pod pod) => new($"http://{pod.Status!.PodIP}:{pod.Metadata.Annotations![SandboxNames.PortAnnotation]}/");
}
