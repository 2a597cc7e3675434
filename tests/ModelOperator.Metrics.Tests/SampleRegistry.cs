using Prometheus;

namespace ModelOperator.Metrics.Tests;

/// <summary>A custom registry with every kind of metric the processes export, awkward values included.</summary>
internal static class SampleRegistry
{
    public static CollectorRegistry Create()
    {
        CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
        IMetricFactory factory = Prometheus.Metrics.WithCustomRegistry(registry);
        Counter requests = factory.CreateCounter("model_requests_total", "Inference requests by model and outcome.", ["model", "outcome"]);
        requests.WithLabels("churn", "success").Inc(41);
        requests.WithLabels("churn\n\"quoted\\", "error").Inc();
        factory.CreateCounter("model_errors_total", "Errors.").Inc();
        factory.CreateGauge("model_requests_in_flight", "Requests in flight.", ["model"]).WithLabels("churn").Set(3);
        Gauge drift = factory.CreateGauge("model_drift_psi", "PSI, NaN while the window is empty.", ["series", "name"]);
        drift.WithLabels("feature", "tenure").Set(double.NaN);
        drift.WithLabels("feature", "charges").Set(double.PositiveInfinity);
        factory.CreateGauge("model_not_seen_yet", "A labelled gauge without children.", ["model"]);
        Histogram latency = factory.CreateHistogram(
            "model_request_duration_seconds", "Request duration.", ["model"], new HistogramConfiguration { Buckets = [0.00005, 0.0001, 0.001, 0.5, 2.5] });
        foreach (double v in new[] { 0.00002, 0.003, 0.02, 0.5, 3 })
        {
            latency.WithLabels("churn").Observe(v);
        }

        factory.CreateHistogram("model_batch_size_rows", "Rows per batch.", new HistogramConfiguration { Buckets = Histogram.LinearBuckets(1, 1, 4) }).Observe(2);
        ProcessMetrics.Register(registry);
        return registry;
    }
}
