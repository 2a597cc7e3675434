using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// Reads a model server's exposition (a pod's <c>/metrics</c>, parsed by <see cref="PrometheusText"/>) into the
/// <see cref="ServerScrape"/> the pure analysis computes with. The parsing stays here, at the edge, because the metrics
/// library it needs must not enter <c>ModelOperator.Rollouts</c>.
/// </summary>
public static class ServerScrapeReader
{
    /// <summary>
    /// Reads a model server exposition. Failed requests are those <see cref="RequestOutcomes.IsFailure"/> names.
    /// </summary>
    public static ServerScrape Read(IReadOnlyList<MetricSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        double requests = 0, failed = 0, rows = 0, psi = double.NaN, inFlight = 0, load = double.NaN;
        var duration = new Dictionary<double, double>();
        var predictions = new Dictionary<string, Dictionary<double, double>>(StringComparer.Ordinal);
        var features = new SeriesWindowReader();
        var shadow = ShadowCounts.Zero;
        foreach (var s in samples)
        {
            features.Add(s);
            if (TryAddShadow(s, ref shadow))
            {
                continue;
            }

            switch (s.Name)
            {
                case ModelServerMetricNames.Requests:
                    requests += s.Value;
                    if (RequestOutcomes.IsFailure(s.Label(ModelServerMetricNames.OutcomeLabel)))
                    {
                        failed += s.Value;
                    }

                    break;
                case ModelServerMetricNames.RequestDuration + ModelServerMetricNames.BucketSuffix when PrometheusText.TryParseValue(s.Label("le"), out var le):
                    duration[le] = duration.GetValueOrDefault(le) + s.Value;
                    break;
                case ModelServerMetricNames.PredictionValue + ModelServerMetricNames.BucketSuffix when PrometheusText.TryParseValue(s.Label("le"), out var ple):
                    var output = s.Label(ModelServerMetricNames.OutputLabel);
                    if (!predictions.TryGetValue(output, out var buckets))
                    {
                        predictions[output] = buckets = [];
                    }

                    buckets[ple] = buckets.GetValueOrDefault(ple) + s.Value;
                    break;
                case ModelServerMetricNames.DriftPsi when s.Label(ModelServerMetricNames.SeriesLabel) == ModelServerMetricNames.FeatureSeries && double.IsFinite(s.Value):
                    psi = double.IsNaN(psi) ? s.Value : Math.Max(psi, s.Value);
                    break;
                case ModelServerMetricNames.RequestsInFlight:
                    inFlight += s.Value;
                    break;
                case ModelServerMetricNames.ModelLoadDuration when double.IsFinite(s.Value):
                    load = double.IsNaN(load) ? s.Value : Math.Max(load, s.Value);
                    break;
                case ModelServerMetricNames.DriftWindowRows:
                    rows += s.Value;
                    break;
            }
        }

        return new ServerScrape
        {
            Requests = requests,
            FailedRequests = failed,
            Duration = duration,
            Predictions = predictions.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<double, double>)p.Value, StringComparer.Ordinal),
            MaxFeaturePsi = psi,
            Features = features.Features(),
            DriftRows = rows,
            InFlight = inFlight,
            ModelLoadSeconds = load,
            Shadow = shadow,
        };
    }

    /// <summary>
    /// Adds one sample of an exposition when it is a shadow family; false when it is not. Dropped copies (a full queue)
    /// are not the candidate's doing and count nowhere here.
    /// </summary>
    public static bool TryAddShadow(MetricSample sample, ref ShadowCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sample);
        switch (sample.Name)
        {
            case ShadowContract.Copies:
                counts = sample.Label(ShadowContract.CopyOutcomeLabel) switch
                {
                    ShadowContract.Compared => counts with { Compared = counts.Compared + sample.Value },
                    ShadowContract.Failed => counts with { Failed = counts.Failed + sample.Value },
                    _ => counts,
                };
                return true;
            case ShadowContract.Agreements:
                counts = counts with { Agreements = counts.Agreements + sample.Value };
                return true;
            case ShadowContract.CandidateDuration + ModelServerMetricNames.BucketSuffix when PrometheusText.TryParseValue(sample.Label("le"), out var le):
                var buckets = new Dictionary<double, double>(counts.CandidateDuration);
                buckets[le] = buckets.GetValueOrDefault(le) + sample.Value;
                counts = counts with { CandidateDuration = buckets };
                return true;
            default:
                return false;
        }
    }
}
