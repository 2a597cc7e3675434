namespace ModelOperator.Prometheus.Tests;

public sealed class PromtoolTests
{
    [PromtoolFact]
    public void Promtool_accepts_a_scrape_with_every_kind_of_metric()
    {
        var registry = new MetricRegistry();
        Counter requests = registry.CreateCounter("model_requests_total", "Inference requests by model and status code.", "model", "code");
        requests.WithLabels("churn", "200").Inc(41);
        requests.WithLabels("churn\n\"quoted\\", "500").Inc();
        registry.CreateCounter("model_errors_total", "Errors.").Inc();
        Gauge inflight = registry.CreateGauge("model_inflight_requests", "Requests in flight.", "model");
        inflight.WithLabels("churn").Set(3);
        registry.CreateGauge("model_temperature_celsius", "A gauge that is NaN, +Inf and -Inf.", "kind").WithLabels("nan").Set(double.NaN);
        registry.CreateGauge("model_limit_ratio", "Infinite.").Set(double.PositiveInfinity);
        Histogram latency = registry.CreateHistogram("model_request_duration_seconds", "Request duration. Backslash \\ and\nnewline in help.", Histogram.ExponentialBuckets(0.0005, 2, 12), "model");
        foreach (double v in new[] { 0.0001, 0.003, 0.02, 0.5, 3 })
        {
            latency.WithLabels("churn").Observe(v);
        }

        registry.CreateHistogram("model_batch_size_rows", "Rows per request.", Histogram.LinearBuckets(1, 1, 4)).Observe(2);
        registry.AddCollector(w =>
        {
            w.WriteGauge("model_drift_psi_ratio", "PSI per feature.", [new("feature", "tenure")], 0.12);
            w.WriteCounter("model_drift_nan_values_total", "NaN values seen.", [new("feature", "tenure")], 2);
        });

        string scrape = registry.Scrape();
        (int exitCode, string output) = Promtool.CheckMetrics(scrape);

        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"promtool check metrics failed (exit {exitCode}):\n{output}\n--- exposition ---\n{scrape}");
    }

    [PromtoolFact]
    public void Promtool_rejects_a_broken_exposition_so_the_check_can_fail()
    {
        // Two TYPE lines for one family and an unterminated label value.
        const string broken = "# TYPE x gauge\n# TYPE x gauge\nx{a=\"1} 1\n";

        (int exitCode, string output) = Promtool.CheckMetrics(broken);

        Assert.NotEqual(0, exitCode);
        Assert.NotEmpty(output.Trim());
    }

    [PromtoolFact]
    public void Promtool_flags_a_lint_problem_that_our_validation_prevents()
    {
        // A counter without _total: the registry refuses it; promtool complains about it.
        const string lint = "# HELP requests Requests.\n# TYPE requests counter\nrequests 1\n";

        (int exitCode, string output) = Promtool.CheckMetrics(lint);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("_total", output, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateCounter("requests", "Requests."));
    }
}
