using System.Diagnostics;
using ModelOperator.Prometheus;
using ModelOperator.Testing;

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
        var registry = new MetricRegistry();
        DriftMetrics.Register(registry, "churn-model", "1", monitor);
        monitor.Record([12, 15, float.NaN], 3, [1, 1, 0]);

        string text = registry.Scrape();

        Assert.Contains("modelserver_drift_window_rows{model=\"churn-model\",version=\"1\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_detected{model=\"churn-model\",version=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_detected_timestamp_seconds{model=\"churn-model\",version=\"1\"} 1767225600\n", text, StringComparison.Ordinal);
        double psi = DriftStatistics.PopulationStabilityIndex([0, 0.5, 0.5, 0], [0, 0, 2, 0]);
        Assert.Contains(
            $"modelserver_drift_psi{{model=\"churn-model\",version=\"1\",series=\"feature\",name=\"tenure\"}} {psi.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\n",
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
        var registry = new MetricRegistry();
        DriftMetrics.Register(registry, "m", "1", Monitor(new ManualTimeProvider()));

        string text = registry.Scrape();

        Assert.Contains("modelserver_drift_detected{model=\"m\",version=\"1\"} 0\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("modelserver_drift_detected_timestamp_seconds", text, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_psi{model=\"m\",version=\"1\",series=\"feature\",name=\"tenure\"} NaN\n", text, StringComparison.Ordinal);
    }

    [PromtoolFact]
    public async Task Promtool_accepts_the_drift_metrics()
    {
        string promtool = PromtoolFactAttribute.Path
            ?? throw new InvalidOperationException("promtool is required under CI=true; install Debian's prometheus package (apt-get install -y prometheus).");

        var clock = new ManualTimeProvider();
        DriftMonitor monitor = Monitor(clock);
        var registry = new MetricRegistry();
        DriftMetrics.Register(registry, "m", "1", monitor);
        monitor.Record([12, 15, float.PositiveInfinity], 3, [1, 1, 0]);
        string scrape = registry.Scrape();

        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(scrape);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0 && output.Trim().Length == 0, $"promtool (exit {process.ExitCode}):\n{output}\n{scrape}");
    }
}

/// <summary>A fact that needs promtool: skipped with a reason when it is missing, unless CI=true, where it runs and fails.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Path is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "promtool is not installed (apt-get install -y prometheus); under CI=true this test fails instead of skipping.";
        }
    }

    public static string? Path { get; } = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
}
