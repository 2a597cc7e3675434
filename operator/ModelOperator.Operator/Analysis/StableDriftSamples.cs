using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// Reads the stable revision's drift families from model server samples, grouped by pod: a pod's scrape, or what
/// Prometheus returns for the same series (they carry a <c>pod</c> label). Per pod: each feature's PSI
/// (<c>modelserver_drift_psi{series="feature"}</c>; not finite: left out), resting on the pod's window rows
/// (<c>modelserver_drift_window_rows</c>, what the canary's feature drift rests on too), and the start of its running
/// drift episode (<c>modelserver_drift_detected_timestamp_seconds</c> while <c>modelserver_drift_detected</c> is 1). Pure.
/// </summary>
public static class StableDriftSamples
{
    /// <summary>The families read, for a Prometheus query by name.</summary>
    public static IReadOnlyList<string> Families { get; } =
    [
        ModelServerMetricNames.DriftPsi, ModelServerMetricNames.DriftWindowRows,
        ModelServerMetricNames.DriftDetected, ModelServerMetricNames.DriftDetectedTimestamp,
    ];

    public static StableDriftObservation From(IEnumerable<IReadOnlyList<MetricSample>> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var features = new List<FeatureDriftReading>();
        double rows = 0;
        DateTimeOffset? episode = null;
        foreach (var samples in pods)
        {
            double podRows = 0;
            var drifting = false;
            double? startedAt = null;
            var scores = new List<(string Name, double Score)>();
            foreach (var s in samples)
            {
                switch (s.Name)
                {
                    case ModelServerMetricNames.DriftPsi when s.Label(ModelServerMetricNames.SeriesLabel) == ModelServerMetricNames.FeatureSeries && double.IsFinite(s.Value):
                        scores.Add((s.Label(ModelServerMetricNames.NameLabel), s.Value));
                        break;
                    case ModelServerMetricNames.DriftWindowRows when double.IsFinite(s.Value) && s.Value > 0:
                        podRows += s.Value;
                        break;
                    case ModelServerMetricNames.DriftDetected:
                        drifting |= s.Value == 1;
                        break;
                    case ModelServerMetricNames.DriftDetectedTimestamp when double.IsFinite(s.Value) && s.Value > 0:
                        startedAt = startedAt is { } t ? Math.Min(t, s.Value) : s.Value;
                        break;
                }
            }

            rows += podRows;
            features.AddRange(scores.Select(f => new FeatureDriftReading(f.Name, f.Score, (long)Math.Round(podRows))));
            if (drifting && startedAt is { } seconds && seconds < 1e11)
            {
                var start = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
                episode = episode is { } e && e < start ? e : start;
            }
        }

        return new StableDriftObservation { Features = features, Rows = rows, EpisodeStart = episode };
    }
}
