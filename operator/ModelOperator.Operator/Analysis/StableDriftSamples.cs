using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// Reads the stable revision's drift families from model server samples, grouped by pod: a pod's scrape, or what
/// Prometheus returns for the same series (they carry a <c>pod</c> label). Per pod and feature: its PSI
/// (<c>modelserver_drift_psi{series="feature"}</c>; not finite: left out), resting on the pod's window rows
/// (<c>modelserver_drift_window_rows</c>, what the canary's feature drift rests on too), and since when that pod's server
/// sees the feature drift (<c>modelserver_drift_series_detected_timestamp_seconds{series="feature"}</c>, present only
/// while it does). Each feature has its own since, not the start of the server's drift episode over all series. Pure.
/// </summary>
public static class StableDriftSamples
{
    /// <summary>The families read, for a Prometheus query by name.</summary>
    public static IReadOnlyList<string> Families { get; } =
    [
        ModelServerMetricNames.DriftPsi, ModelServerMetricNames.DriftWindowRows, ModelServerMetricNames.DriftSeriesDetectedTimestamp,
    ];

    public static StableDriftObservation From(IEnumerable<IReadOnlyList<MetricSample>> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var features = new List<FeatureDriftReading>();
        double rows = 0;
        foreach (var samples in pods)
        {
            double podRows = 0;
            var scores = new List<(string Name, double Score)>();
            var since = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var s in samples)
            {
                switch (s.Name)
                {
                    case ModelServerMetricNames.DriftPsi when IsFeature(s) && double.IsFinite(s.Value):
                        scores.Add((s.Label(ModelServerMetricNames.NameLabel), s.Value));
                        break;
                    case ModelServerMetricNames.DriftWindowRows when double.IsFinite(s.Value) && s.Value > 0:
                        podRows += s.Value;
                        break;
                    // Seconds since the epoch; beyond 1e11 (year 5138) is not a time a server wrote.
                    case ModelServerMetricNames.DriftSeriesDetectedTimestamp when IsFeature(s) && double.IsFinite(s.Value) && s.Value is > 0 and < 1e11:
                        var start = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(s.Value * 1000));
                        var name = s.Label(ModelServerMetricNames.NameLabel);
                        since[name] = since.TryGetValue(name, out var earlier) && earlier < start ? earlier : start;
                        break;
                }
            }

            rows += podRows;
            features.AddRange(scores.Select(f => new FeatureDriftReading(f.Name, f.Score, (long)Math.Round(podRows), since.TryGetValue(f.Name, out var t) ? t : null)));
        }

        return new StableDriftObservation { Features = features, Rows = rows };
    }

    private static bool IsFeature(MetricSample sample) => sample.Label(ModelServerMetricNames.SeriesLabel) == ModelServerMetricNames.FeatureSeries;
}
