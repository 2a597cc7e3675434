using ModelOperator.Statistics;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>Turns what the canary (and stable) pods counted in one window into the four measurements. Pure.</summary>
public static class ScrapeMeasurements
{
    /// <summary>
    /// <list type="bullet">
    /// <item>errorRate = failed / requests, samples = requests (NaN when no request);</item>
    /// <item>p99Latency = the 0.99 quantile of the duration buckets (seconds), samples = requests;</item>
    /// <item>predictionDrift = the worst PSI over outputs between the stable's and the canary's pooled prediction bins, samples = that output's smaller side;</item>
    /// <item>featureDrift = the worst PSI over features of the canary pods' pooled drift-window bins against the reference, samples = that feature's pooled values
    /// (servers that export no bins: the worst pod's PSI over all pods' window rows, as before bins were exported);</item>
    /// <item>unseenCategoryShare, nonFiniteShare, outOfRangeShare = the worst feature's share over the pooled window (<see cref="PooledDrift"/>).</item>
    /// </list>
    /// Drift and data-quality measurements carry their causes (<see cref="DriftCauses"/>).
    /// </summary>
    public static AnalysisResult Compute(string revision, DateTimeOffset now, TimeSpan window, ServerScrape canary, ServerScrape? stable)
    {
        ArgumentNullException.ThrowIfNull(canary);
        var requests = (long)Math.Round(canary.Requests);
        var errorRate = requests > 0
            ? Measurement.Of(canary.FailedRequests / canary.Requests, requests, window)
            : Measurement.NoData(window);
        var p99 = HistogramMath.Quantile(0.99, canary.Duration.Select(p => (p.Key, p.Value)).ToList());
        var latency = double.IsNaN(p99) ? Measurement.NoData(window) : Measurement.Of(p99, requests, window);
        var features = canary.Features.Values.ToList();
        return new AnalysisResult
        {
            Revision = revision,
            MeasuredAt = now,
            ErrorRate = errorRate,
            P99Latency = latency,
            PredictionDrift = stable is null ? Measurement.NoData(window) : PooledDrift.PredictionDrift(canary.Predictions, stable.Predictions, window),
            FeatureDrift = FeatureDrift(canary, features, window),
            UnseenCategoryShare = PooledDrift.UnseenCategoryShare(features, window),
            NonFiniteShare = PooledDrift.NonFiniteShare(features, window),
            OutOfRangeShare = PooledDrift.OutOfRangeShare(features, window),
        };
    }

    private static Measurement FeatureDrift(ServerScrape canary, IReadOnlyList<SeriesWindow> features, TimeSpan window)
    {
        var pooled = PooledDrift.FeatureDrift(features, window);
        return !double.IsNaN(pooled.Value) || double.IsNaN(canary.MaxFeaturePsi)
            ? pooled
            : Measurement.Of(canary.MaxFeaturePsi, (long)Math.Round(canary.DriftRows), window);
    }
}
