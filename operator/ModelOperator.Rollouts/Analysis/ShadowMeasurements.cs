using ModelOperator.Statistics;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>Turns what the stable pods counted of their copies in one window into a shadow step's measurements. Pure.</summary>
public static class ShadowMeasurements
{
    /// <summary>
    /// The measurements of <paramref name="canary"/> (its own, for drift) with the shadow ones in place of its error rate
    /// and latency, from <paramref name="copies"/> summed over the stable pods:
    /// <list type="bullet">
    /// <item>shadowDisagreement = 1 − agreements / compared, samples = compared (NaN when none was compared);</item>
    /// <item>errorRate = failed / (compared + failed), samples = compared + failed;</item>
    /// <item>p99Latency = the 0.99 quantile of the candidate's latency buckets on the copies, samples = compared + failed.</item>
    /// </list>
    /// Example: 1000 compared, 996 agreed, 4 failed → disagreement 0.4 % over 1000, error rate 0.4 % over 1004.
    /// </summary>
    public static AnalysisResult Compute(AnalysisResult canary, ShadowCounts copies, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(copies);
        var compared = (long)Math.Round(copies.Compared);
        var sent = (long)Math.Round(copies.Compared + copies.Failed);
        var p99 = HistogramMath.Quantile(0.99, copies.CandidateDuration.Select(p => (p.Key, p.Value)).ToList());
        return canary with
        {
            Shadow = true,
            ShadowDisagreement = compared > 0
                ? Measurement.Of(Math.Clamp(1 - (copies.Agreements / copies.Compared), 0, 1), compared, window)
                : Measurement.NoData(window),
            ErrorRate = sent > 0 ? Measurement.Of(copies.Failed / (copies.Compared + copies.Failed), sent, window) : Measurement.NoData(window),
            P99Latency = double.IsNaN(p99) || sent == 0 ? Measurement.NoData(window) : Measurement.Of(p99, sent, window),
        };
    }

    /// <summary>A shadow result when nothing could be measured: every measurement <paramref name="failure"/>.</summary>
    public static AnalysisResult Unmeasured(string revision, DateTimeOffset now, Measurement failure) => new()
    {
        Revision = revision,
        MeasuredAt = now,
        Shadow = true,
        ErrorRate = failure,
        P99Latency = failure,
        PredictionDrift = failure,
        FeatureDrift = failure,
        ShadowDisagreement = failure,
    };
}
