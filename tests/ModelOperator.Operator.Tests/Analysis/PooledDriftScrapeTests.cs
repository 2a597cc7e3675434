using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Metrics;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Support;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Runtime.Drift;
using ModelOperator.Statistics;

namespace ModelOperator.Operator.Tests.Analysis;

/// <summary>
/// Feature drift and data quality from what real drift monitors export (<see cref="DriftMetrics"/> on a registry), read the
/// way the operator reads pods: the revision's pods are pooled bin by bin, then scored, and the decision names the column.
/// </summary>
public sealed class PooledDriftScrapeTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // tenure (numeric, uniform over [0, 20)) and contract (categorical 1 / 12 / 24, half of them 1).
    private static readonly ReferenceProfile Profile = new(
        [
            new SeriesProfile("tenure", SeriesKind.Numeric, 0, 19, [0, 10, 20], null, [0, 0.5, 0.5, 0]),
            new SeriesProfile("contract", SeriesKind.Categorical, 1, 24, null, [1, 12, 24], [0.5, 0.3, 0.2, 0]),
        ],
        [new SeriesProfile("churn", SeriesKind.Numeric, 0, 1, [0, 0.5, 1], null, [0, 0.5, 0.5, 0])],
        1000);

    /// <summary>A pod: a drift monitor with its registry, having seen <paramref name="rows"/> rows (tenure, contract).</summary>
    private static string PodExposition(ManualTimeProvider clock, IEnumerable<(float Tenure, float Contract)> rows)
    {
        var monitor = new DriftMonitor(Profile, new DriftMonitorOptions { MinSamples = 10 }, clock);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DriftMetrics.Register(registry, "churn", "2", monitor);
        var values = rows.SelectMany(r => new[] { r.Tenure, r.Contract }).ToArray();
        monitor.Record(values, values.Length / 2, []);
        return registry.Scrape();
    }

    /// <summary>Rows as the reference has them: tenure half under 10, contract 50 / 30 / 20 %.</summary>
    private static IEnumerable<(float, float)> LikeTheReference(int count) =>
        Enumerable.Range(0, count).Select(i => ((float)(i % 2 == 0 ? 5 : 15), (float)((i % 10) switch { < 5 => 1, < 8 => 12, _ => 24 })));

    [Fact]
    public void The_revision_is_scored_on_its_pooled_bins_not_on_its_worst_pod()
    {
        // Given a busy canary pod that looks like the reference and a quiet one whose 20 rows all carry contract 36
        var clock = new ManualTimeProvider(T0);
        var busy = ServerScrapeReader.Read(PrometheusText.Parse(PodExposition(clock, LikeTheReference(1000)), out _));
        var quiet = ServerScrapeReader.Read(PrometheusText.Parse(PodExposition(clock, Enumerable.Repeat((5f, 36f), 20)), out _));

        // When the operator measures the revision
        var result = ScrapeMeasurements.Compute("churn-canary", T0, Window, busy.Plus(quiet), null);

        // Then score and samples rest on the same 1020 pooled contract values (the quiet pod alone scores far above 0.25)
        var pooled = DriftStatistics.PopulationStabilityIndex([0.5, 0.3, 0.2, 0], [500, 300, 200, 20]);
        Assert.Equal(pooled, result.FeatureDrift!.Value, 9);
        Assert.Equal(1020, result.FeatureDrift.Samples);
        Assert.True(quiet.MaxFeaturePsi > 0.25 && pooled < 0.25, $"quiet pod {quiet.MaxFeaturePsi}, pooled {pooled}");
        var verdict = AnalysisEvaluator.EvaluateMetric(MetricNames.FeatureDrift, result.FeatureDrift, 0.25, 100);
        Assert.Equal(Verdict.Successful, verdict!.Verdict);
        Assert.Equal("contract", result.FeatureDrift.Causes![0].Name);
    }

    [Fact]
    public async Task A_canary_sending_a_new_category_in_one_column_fails_data_quality_with_that_column_named()
    {
        // Given a canary pod, read over HTTP, whose traffic carries contract 36 (not in its profile) in a third of the rows
        var clock = new ManualTimeProvider(T0);
        var rows = LikeTheReference(600).Select((r, i) => i % 3 == 0 ? (r.Item1, 36f) : r);
        var exposition = PodExposition(clock, rows);
        await using var server = await FakeHttpServer.StartAsync(r => r.Path == "/metrics" ? (200, "text/plain; version=0.0.4", exposition) : (404, "text/plain", "not found"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var provider = new DirectAnalysisProvider(new HttpPodScraper(http, server.Port, TimeSpan.FromSeconds(5)), NullLogger<DirectAnalysisProvider>.Instance);
        var spec = new AnalysisSpec { MaxUnseenCategoryShare = 0.05, MaxFeatureDrift = 5 };
        var pod = DirectAnalysisProviderTests.Pod("churn-canary-0", ip: "127.0.0.1");

        // When the analysis runs
        var result = await provider.MeasureAsync(new AnalysisRequest(new ObjectKey("ml", "churn"), spec, "churn-canary", "churn-stable", [pod], [], Window, T0), CancellationToken.None);
        var verdict = AnalysisEvaluator.Evaluate("churn-canary", result, new PodHealth { Pods = 1, Ready = 1 }, 1, AnalysisCriteria.FromSpec(spec, 3));

        // Then it fails on data quality, naming the column, its share, its values and since when it drifts
        Assert.Equal(Verdict.Failed, verdict.Verdict);
        Assert.Equal(Reasons.DataQuality, verdict.Deciding.Reason);
        Assert.Equal(MetricNames.UnseenCategoryShare, verdict.Deciding.Metric);
        Assert.Contains("caused by contract (share 33.3 % over 600 values: 200 of 600 values unseen (not a reference category); since 2026-01-01T00:00:00Z)", verdict.Deciding.Message, StringComparison.Ordinal);
        Assert.Equal(["contract"], verdict.Deciding.Causes!.Select(c => c.Name));
        var drift = Assert.Single(result.FeatureDrift!.Causes!, c => c.Name == "contract");
        Assert.StartsWith("unseen 33.3 % (reference 0 %); gained unseen 0 % → 33.3 %", drift.Summary, StringComparison.Ordinal);
    }
}
