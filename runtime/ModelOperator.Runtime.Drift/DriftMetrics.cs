using ModelOperator.Prometheus;

namespace ModelOperator.Runtime.Drift;

/// <summary>
/// Exposes a <see cref="DriftMonitor"/> on a <see cref="MetricRegistry"/>: at each scrape it takes a
/// <see cref="DriftMonitor.Snapshot"/> (which also advances the drift episode) and writes gauges for it.
/// </summary>
/// <remarks>
/// Series, all gauges (window values go down as the window slides), labelled <c>model</c> and, per feature or output,
/// <c>series</c> (<c>feature</c> or <c>output</c>) and <c>name</c> (bounded by the profile's size):
/// <c>model_drift_psi</c>, <c>model_drift_js_distance</c>, <c>model_drift_window_samples</c>,
/// <c>model_drift_window_nan_values</c>, <c>model_drift_window_infinite_values</c>,
/// <c>model_drift_window_out_of_range_values</c>, <c>model_drift_window_unseen_category_values</c>;
/// per model: <c>model_drift_window_rows</c>, <c>model_drift_detected</c> (1 while an episode runs, else 0),
/// <c>model_drift_detected_timestamp_seconds</c> (Unix time of the episode's start, only once drift was seen).
/// Scores are NaN when the window holds no values for a series.
/// </remarks>
public static class DriftMetrics
{
    public static void Register(MetricRegistry registry, string model, DriftMonitor monitor)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentException.ThrowIfNullOrEmpty(model);
        registry.AddCollector(writer => Write(writer, model, monitor.Snapshot()));
    }

    /// <summary>Writes one snapshot's gauges (see the class remarks).</summary>
    public static void Write(ICollectorWriter writer, string model, DriftSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(snapshot);
        KeyValuePair<string, string>[] modelLabel = [new("model", model)];
        writer.WriteGauge("model_drift_window_rows", "Rows recorded in the drift window.", modelLabel, snapshot.Rows);
        writer.WriteGauge("model_drift_detected", "1 while drift is detected against the reference profile, else 0.", modelLabel, snapshot.State.IsDrifting ? 1 : 0);
        if (snapshot.State.DetectedAt is { } detectedAt)
        {
            writer.WriteGauge("model_drift_detected_timestamp_seconds", "Unix time at which the last drift episode was first detected.", modelLabel, detectedAt.ToUnixTimeMilliseconds() / 1000.0);
        }

        WriteSeries(writer, model, "feature", snapshot.Features);
        WriteSeries(writer, model, "output", snapshot.Outputs);
    }

    private static void WriteSeries(ICollectorWriter writer, string model, string kind, IReadOnlyList<SeriesDrift> series)
    {
        foreach (SeriesDrift s in series)
        {
            KeyValuePair<string, string>[] labels = [new("model", model), new("series", kind), new("name", s.Name)];
            writer.WriteGauge("model_drift_psi", "Population Stability Index of the window against the reference profile.", labels, s.Psi);
            writer.WriteGauge("model_drift_js_distance", "Jensen-Shannon distance (base 2) of the window against the reference profile.", labels, s.JensenShannonDistance);
            writer.WriteGauge("model_drift_window_samples", "Binned values in the drift window that the scores rest on.", labels, s.SampleCount);
            writer.WriteGauge("model_drift_window_nan_values", "NaN values in the drift window.", labels, s.NaNCount);
            writer.WriteGauge("model_drift_window_infinite_values", "Infinite values in the drift window.", labels, s.InfiniteCount);
            writer.WriteGauge("model_drift_window_out_of_range_values", "Values outside the reference min and max in the drift window.", labels, s.OutOfRangeCount);
            writer.WriteGauge("model_drift_window_unseen_category_values", "Values of categorical series not seen in the reference, in the drift window.", labels, s.UnseenCategoryCount);
        }
    }
}
