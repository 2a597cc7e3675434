using ModelOperator.Testing;

namespace ModelOperator.Runtime.Drift.Tests;

/// <summary>The per-bin, per-mean and per-series "since when" families the operator pools and explains drift with.</summary>
public sealed class DriftExplanationMetricsTests
{
    private static DriftMonitor Monitor(ManualTimeProvider clock) => new(
        new ReferenceProfile(
            [
                new SeriesProfile("tenure", SeriesKind.Numeric, 0, 19, [0, 10, 20], null, [0, 0.5, 0.5, 0]),
                new SeriesProfile("contract", SeriesKind.Categorical, 1, 24, null, [1, 12, 24], [0.5, 0.3, 0.2, 0]),
            ],
            [new SeriesProfile("churn", SeriesKind.Categorical, 0, 1, null, [0, 1], [0.5, 0.5, 0])],
            10),
        new DriftMonitorOptions { MinSamples = 2 },
        clock);

    [Fact]
    public void A_scrape_exposes_window_bins_and_reference_proportions_with_ranges_in_words()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_767_225_600));
        DriftMonitor monitor = Monitor(clock);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DriftMetrics.Register(registry, "m", "1", monitor);
        monitor.Record([12, 36, 15, 36, 5, 1], 3, [1, 1, 0]);

        string text = registry.Scrape();

        Assert.Contains("modelserver_drift_window_bin_values{model=\"m\",version=\"1\",series=\"feature\",name=\"tenure\",bin=\"2\",range=\"[10, 20)\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_window_bin_values{model=\"m\",version=\"1\",series=\"feature\",name=\"tenure\",bin=\"0\",range=\"< 0\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_window_bin_values{model=\"m\",version=\"1\",series=\"feature\",name=\"contract\",bin=\"3\",range=\"unseen\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_reference_bin_proportion{model=\"m\",version=\"1\",series=\"feature\",name=\"contract\",bin=\"0\",range=\"= 1\"} 0.5\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_window_bin_values{model=\"m\",version=\"1\",series=\"output\",name=\"churn\",bin=\"1\",range=\"= 1\"} 2\n", text, StringComparison.Ordinal);
        // Binned means: reference (0.5·5 + 0.5·15) = 10; window (5 + 15 + 15) / 3 ≈ 11.67; contract: only "= 1" is seen.
        Assert.Contains("modelserver_drift_reference_binned_mean{model=\"m\",version=\"1\",series=\"feature\",name=\"tenure\"} 10\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_window_binned_mean{model=\"m\",version=\"1\",series=\"feature\",name=\"contract\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_series_says_since_when_it_drifts_and_the_series_disappears_when_it_stops()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);
        var clock = new ManualTimeProvider(start);
        DriftMonitor monitor = Monitor(clock);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DriftMetrics.Register(registry, "m", "1", monitor);
        const string contract = "modelserver_drift_series_detected_timestamp_seconds{model=\"m\",version=\"1\",series=\"feature\",name=\"contract\"}";
        const string tenure = "modelserver_drift_series_detected_timestamp_seconds{model=\"m\",version=\"1\",series=\"feature\",name=\"tenure\"}";

        Assert.DoesNotContain(contract, registry.Scrape(), StringComparison.Ordinal);

        // Given contract gets only unseen values while tenure stays as in the reference
        monitor.Record([5, 36, 15, 36], 2, []);

        // When scraped now and later, the episode start stays where it was first seen
        string drifting = registry.Scrape();
        clock.Advance(TimeSpan.FromSeconds(20));
        monitor.Record([5, 36, 15, 36], 2, []);
        string stillDrifting = registry.Scrape();

        Assert.Contains(contract + " 1767225600\n", drifting, StringComparison.Ordinal);
        Assert.Contains(contract + " 1767225600\n", stillDrifting, StringComparison.Ordinal);
        Assert.DoesNotContain(tenure, drifting, StringComparison.Ordinal);

        // When the window moves past the unseen values and known ones arrive, the series ends its episode
        clock.Advance(TimeSpan.FromMinutes(6));
        monitor.Record([5, 1, 15, 12, 15, 24, 5, 1, 15, 1], 5, []);
        Assert.DoesNotContain(contract, registry.Scrape(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "< 0", 0)]
    [InlineData(1, "[0, 10)", 5)]
    [InlineData(2, "[10, 20)", 15)]
    [InlineData(3, "≥ 20", 20)]
    public void Numeric_bins_have_a_range_in_words_and_a_center(int bin, string range, double center)
    {
        var series = new SeriesProfile("tenure", SeriesKind.Numeric, 0, 19, [0, 10, 20], null, [0, 0.5, 0.5, 0]);

        Assert.Equal(range, SeriesBins.Range(series, bin));
        Assert.Equal(center, SeriesBins.Center(series, bin));
    }

    [Fact]
    public void The_unseen_bin_has_no_center_and_does_not_move_the_mean()
    {
        var series = new SeriesProfile("contract", SeriesKind.Categorical, 1, 24, null, [1, 12, 24], [0.5, 0.3, 0.2, 0]);

        Assert.Equal("unseen", SeriesBins.Range(series, 3));
        Assert.True(double.IsNaN(SeriesBins.Center(series, 3)));
        Assert.Equal(12, SeriesBins.Mean(series, [0, 4, 0, 100]));
        Assert.True(double.IsNaN(SeriesBins.Mean(series, [0, 0, 0, 7])));
        Assert.Throws<ArgumentException>(() => SeriesBins.Mean(series, [1, 2]));
    }
}
