using System.Globalization;
using ModelOperator.Statistics;
using ModelOperator.Testing;
using Prometheus;

namespace ModelOperator.Runtime.Drift.Tests;

public sealed class DriftMetricsTests
{
    private static DriftMonitor Monitor(ManualTimeProvider clock) => new(
        new ReferenceProfile(
            [new SeriesProfile("tenure", SeriesKind.Numeric, 0, 19, [0, 10, 20], null, [0, 0.5, 0.5, 0])],
            [new SeriesProfile("churn", SeriesKind.Categorical, 0, 1, null, [0, 1], [0.5, 0.5, 0])],
            10),
        new DriftMonitorOptions { MinSamples = 2 },
        clock);

    [Fact]
    public void A_scrape_exposes_scores_counts_and_the_episode()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_767_225_600));
        DriftMonitor monitor = Monitor(clock);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DriftMetrics.Register(registry, "churn-model", "1", monitor);
        monitor.Record([12, 15, float.NaN], 3, [1, 1, 0]);

        string text = registry.Scrape();

        Assert.Contains("modelserver_drift_window_rows{model=\"churn-model\",version=\"1\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_detected{model=\"churn-model\",version=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_detected_timestamp_seconds{model=\"churn-model\",version=\"1\"} 1767225600\n", text, StringComparison.Ordinal);
        double psi = DriftStatistics.PopulationStabilityIndex([0, 0.5, 0.5, 0], [0, 0, 2, 0]);
        Assert.Contains(
            $"modelserver_drift_psi{{model=\"churn-model\",version=\"1\",series=\"feature\",name=\"tenure\"}} {psi.ToString(CultureInfo.InvariantCulture)}\n",
            text,
            StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_window_samples{model=\"churn-model\",version=\"1\",series=\"feature\",name=\"tenure\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_window_nan_values{model=\"churn-model\",version=\"1\",series=\"feature\",name=\"tenure\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_window_samples{model=\"churn-model\",version=\"1\",series=\"output\",name=\"churn\"} 3\n", text, StringComparison.Ordinal);
        Assert.Equal(1, text.Split('\n').Count(l => l == "# TYPE modelserver_drift_psi gauge"));
    }

    [Fact]
    public void Before_any_drift_there_is_no_detection_timestamp_and_empty_scores_are_NaN()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DriftMetrics.Register(registry, "m", "1", Monitor(new ManualTimeProvider()));

        string text = registry.Scrape();

        Assert.Contains("modelserver_drift_detected{model=\"m\",version=\"1\"} 0\n", text, StringComparison.Ordinal);
        // The family is declared (HELP and TYPE) but has no series until drift is first seen.
        Assert.DoesNotContain("modelserver_drift_detected_timestamp_seconds{", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_psi{model=\"m\",version=\"1\",series=\"feature\",name=\"tenure\"} NaN\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_accepts_the_drift_metrics()
    {
        var clock = new ManualTimeProvider();
        DriftMonitor monitor = Monitor(clock);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DriftMetrics.Register(registry, "m", "1", monitor);
        monitor.Record([12, 15, float.PositiveInfinity], 3, [1, 1, 0]);

        await Promtool.AssertAcceptsAsync(registry.Scrape());
    }

    [Fact]
    public void Data_quality_totals_are_cumulative_counters_per_series_and_problem()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DriftMonitor monitor = Monitor(new ManualTimeProvider());
        DriftMetrics.Register(registry, "m", "1", monitor);
        monitor.Record([12, float.NaN, float.PositiveInfinity], 3, [1, 1, 0]);
        monitor.Record([float.NaN], 1, [1]);

        string text = registry.Scrape();

        Assert.Contains("# TYPE modelserver_data_quality_values_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_data_quality_values_total{model=\"m\",version=\"1\",series=\"feature\",name=\"tenure\",problem=\"nan\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_data_quality_values_total{model=\"m\",version=\"1\",series=\"feature\",name=\"tenure\",problem=\"infinite\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_data_quality_values_total{model=\"m\",version=\"1\",series=\"output\",name=\"churn\",problem=\"unseen_category\"} 0\n", text, StringComparison.Ordinal);
    }
}
