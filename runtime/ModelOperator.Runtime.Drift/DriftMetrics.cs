using ModelOperator.Prometheus;

namespace ModelOperator.Runtime.Drift;

/// <summary>
/// Exposes a <see cref="DriftMonitor"/> on a <see cref="MetricRegistry"/>: at each scrape it takes a
/// <see cref="DriftMonitor.Snapshot"/> (which also advances the drift episode) and writes gauges for it.
/// </summary>
/// <remarks>
/// Series, all gauges (window values go down as the window slides), labelled <c>model</c>, <c>version</c> and, per
/// feature or output, <c>series</c> (<c>feature</c> or <c>output</c>) and <c>name</c>. Cardinality is bounded: at most
/// <see cref="MaxSeriesPerKind"/> features and as many outputs are exported (the first ones, in profile order); the
/// stats endpoint still reports all of them. Names (prefix <c>modelserver_drift_</c>):
/// <c>modelserver_drift_psi</c>, <c>modelserver_drift_js_distance</c>, <c>modelserver_drift_window_samples</c>,
/// <c>modelserver_drift_window_nan_values</c>, <c>modelserver_drift_window_infinite_values</c>,
/// <c>modelserver_drift_window_out_of_range_values</c>, <c>modelserver_drift_window_unseen_category_values</c>;
/// per model: <c>modelserver_drift_window_rows</c>, <c>modelserver_drift_detected</c> (1 while an episode runs, else 0),
/// <c>modelserver_drift_detected_timestamp_seconds</c> (Unix time of the episode's start, only once drift was seen).
/// Scores are NaN when the window holds no values for a series.
/// </remarks>
public static class DriftMetrics
{
    /// <summary>Most features (and, separately, outputs) exported as labelled series.</summary>
    public const int MaxSeriesPerKind = 64;

    public static void Register(MetricRegistry registry, string model, string version, DriftMonitor monitor)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(version);
        registry.AddCollector(writer =>
        {
            Write(writer, model, version, monitor.Snapshot());
            WriteQualityTotals(writer, model, version, monitor);
        });
    }

    /// <summary>
    /// Cumulative data-quality counters, <c>modelserver_data_quality_values_total</c> with a <c>problem</c> label
    /// (<c>nan</c>, <c>infinite</c>, <c>out_of_range</c>, <c>unseen_category</c>), so that PromQL can rate them over any window.
    /// </summary>
    public static void WriteQualityTotals(ICollectorWriter writer, string model, string version, DriftMonitor monitor)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(monitor);
        var profile = monitor.Profile;
        for (int s = 0; s < profile.Features.Count + profile.Outputs.Count; s++)
        {
            bool isFeature = s < profile.Features.Count;
            int indexInKind = isFeature ? s : s - profile.Features.Count;
            if (indexInKind >= MaxSeriesPerKind)
            {
                continue;
            }

            string name = isFeature ? profile.Features[s].Name : profile.Outputs[indexInKind].Name;
            var totals = monitor.QualityTotals(s);
            foreach (var (problem, value) in new[] { ("nan", totals.NaN), ("infinite", totals.Infinite), ("out_of_range", totals.OutOfRange), ("unseen_category", totals.UnseenCategory) })
            {
                KeyValuePair<string, string>[] labels =
                    [new("model", model), new("version", version), new("series", isFeature ? "feature" : "output"), new("name", name), new("problem", problem)];
                writer.WriteCounter("modelserver_data_quality_values_total", "Values with a data-quality problem since start, by series and problem.", labels, value);
            }
        }
    }

    /// <summary>Writes one snapshot's gauges (see the class remarks).</summary>
    public static void Write(ICollectorWriter writer, string model, string version, DriftSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(snapshot);
        KeyValuePair<string, string>[] modelLabel = [new("model", model), new("version", version)];
        writer.WriteGauge("modelserver_drift_window_rows", "Rows recorded in the drift window.", modelLabel, snapshot.Rows);
        writer.WriteGauge("modelserver_drift_detected", "1 while drift is detected against the reference profile, else 0.", modelLabel, snapshot.State.IsDrifting ? 1 : 0);
        if (snapshot.State.DetectedAt is { } detectedAt)
        {
            writer.WriteGauge("modelserver_drift_detected_timestamp_seconds", "Unix time at which the last drift episode was first detected.", modelLabel, detectedAt.ToUnixTimeMilliseconds() / 1000.0);
        }

        WriteSeries(writer, model, version, "feature", snapshot.Features);
        WriteSeries(writer, model, version, "output", snapshot.Outputs);
    }

    private static void WriteSeries(ICollectorWriter writer, string model, string version, string kind, IReadOnlyList<SeriesDrift> series)
    {
        foreach (SeriesDrift s in series.Take(MaxSeriesPerKind))
        {
            KeyValuePair<string, string>[] labels = [new("model", model), new("version", version), new("series", kind), new("name", s.Name)];
            writer.WriteGauge("modelserver_drift_psi", "Population Stability Index of the window against the reference profile.", labels, s.Psi);
            writer.WriteGauge("modelserver_drift_js_distance", "Jensen-Shannon distance (base 2) of the window against the reference profile.", labels, s.JensenShannonDistance);
            writer.WriteGauge("modelserver_drift_window_samples", "Binned values in the drift window that the scores rest on.", labels, s.SampleCount);
            writer.WriteGauge("modelserver_drift_window_nan_values", "NaN values in the drift window.", labels, s.NaNCount);
            writer.WriteGauge("modelserver_drift_window_infinite_values", "Infinite values in the drift window.", labels, s.InfiniteCount);
            writer.WriteGauge("modelserver_drift_window_out_of_range_values", "Values outside the reference min and max in the drift window.", labels, s.OutOfRangeCount);
            writer.WriteGauge("modelserver_drift_window_unseen_category_values", "Values of categorical series not seen in the reference, in the drift window.", labels, s.UnseenCategoryCount);
        }
    }
}
