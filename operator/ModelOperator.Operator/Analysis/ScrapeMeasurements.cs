using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>Turns what the canary (and stable) pods counted in one window into the four measurements. Pure.</summary>
public static class ScrapeMeasurements
{
    /// <summary>
    /// <list type="bullet">
    /// <item>errorRate = failed / requests, samples = requests (NaN when no request);</item>
    /// <item>p99Latency = the 0.99 quantile of the duration buckets (seconds), samples = requests;</item>
    /// <item>predictionDrift = the worst PSI over outputs between the stable's and the canary's prediction bins, samples = the smaller side's count;</item>
    /// <item>featureDrift = the worst feature PSI the canary servers report over their drift window, samples = their window rows.</item>
    /// </list>
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
        return new AnalysisResult
        {
            Revision = revision,
            MeasuredAt = now,
            ErrorRate = errorRate,
            P99Latency = latency,
            PredictionDrift = PredictionDrift(canary, stable, window),
            FeatureDrift = double.IsNaN(canary.MaxFeaturePsi)
                ? Measurement.NoData(window)
                : Measurement.Of(canary.MaxFeaturePsi, (long)Math.Round(canary.DriftRows), window),
        };
    }

    private static Measurement PredictionDrift(ServerScrape canary, ServerScrape? stable, TimeSpan window)
    {
        if (stable is null)
        {
            return Measurement.NoData(window);
        }

        var worst = double.NaN;
        var samples = long.MaxValue;
        foreach (var (output, canaryBuckets) in canary.Predictions)
        {
            if (!stable.Predictions.TryGetValue(output, out var stableBuckets))
            {
                continue;
            }

            var bounds = canaryBuckets.Keys.Union(stableBuckets.Keys).Order().ToList();
            var canaryBins = HistogramMath.Bins(bounds.Select(le => (le, canaryBuckets.GetValueOrDefault(le))).ToList());
            var stableBins = HistogramMath.Bins(bounds.Select(le => (le, stableBuckets.GetValueOrDefault(le))).ToList());
            var psi = HistogramMath.Psi(stableBins, canaryBins);
            if (double.IsNaN(psi))
            {
                continue;
            }

            worst = double.IsNaN(worst) ? psi : Math.Max(worst, psi);
            samples = Math.Min(samples, (long)Math.Round(Math.Min(canaryBins.Sum(), stableBins.Sum())));
        }

        return double.IsNaN(worst) ? Measurement.NoData(window) : Measurement.Of(worst, samples, window);
    }
}
