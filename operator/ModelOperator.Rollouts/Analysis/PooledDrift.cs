using ModelOperator.Statistics;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// Drift and data-quality measurements of a revision from its pooled windows (every pod's bins summed first, then
/// scored), each with the causes that <see cref="DriftCauses"/> names. Pure.
/// </summary>
/// <remarks>
/// <code>
/// featureDrift        = max over features of PSI(reference, pooled bins);       samples = that feature's pooled binned values
/// predictionDrift     = max over outputs of PSI(stable bins, canary bins);       samples = the smaller side of that output
/// unseenCategoryShare = max over features of unseen / binned values;             samples = that feature's binned values
/// nonFiniteShare      = max over features of (NaN + ±Inf) / all values;          samples = that feature's values
/// outOfRangeShare     = max over features of outside [min, max] / binned values; samples = that feature's binned values
/// </code>
/// The worst series decides (ties by name); a series without values is skipped, and with none left the measurement is
/// no data (Inconclusive). Score and samples always come from the same series and the same pooled counts: two pods with
/// 10 and 1000 values are one histogram of 1010 values, never the small pod's noisy PSI beside the big pod's count.
/// </remarks>
public static class PooledDrift
{
    /// <summary>Feature drift over the pooled feature windows.</summary>
    public static Measurement FeatureDrift(IEnumerable<SeriesWindow> features, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(features);
        var scored = features
            .Select(f => (Series: f, Score: f.Psi))
            .Where(s => double.IsFinite(s.Score))
            .Select(s => new DriftCause(s.Series.Name, s.Score, (long)Math.Round(s.Series.Samples), DriftCauses.FeatureSummary(s.Series), s.Series.DriftingSince))
            .ToList();
        return Worst(scored, window);
    }

    /// <summary>Prediction drift of the canary's prediction buckets against stable's, per output (cumulative <c>le</c> → count).</summary>
    public static Measurement PredictionDrift(
        IReadOnlyDictionary<string, IReadOnlyDictionary<double, double>> canary,
        IReadOnlyDictionary<string, IReadOnlyDictionary<double, double>> stable,
        TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(stable);
        var scored = new List<DriftCause>();
        foreach (var (output, canaryBuckets) in canary)
        {
            if (!stable.TryGetValue(output, out var stableBuckets))
            {
                continue;
            }

            var bounds = canaryBuckets.Keys.Union(stableBuckets.Keys).Order().ToList();
            var canaryBins = HistogramMath.Bins(bounds.Select(le => (le, canaryBuckets.GetValueOrDefault(le))).ToList());
            var stableBins = HistogramMath.Bins(bounds.Select(le => (le, stableBuckets.GetValueOrDefault(le))).ToList());
            var psi = HistogramMath.Psi(stableBins, canaryBins);
            if (double.IsFinite(psi))
            {
                var samples = (long)Math.Round(Math.Min(canaryBins.Sum(), stableBins.Sum()));
                scored.Add(new DriftCause(output, psi, samples, DriftCauses.PredictionSummary(bounds, stableBins, canaryBins)));
            }
        }

        return Worst(scored, window);
    }

    /// <summary>The share of unseen category values, worst feature.</summary>
    public static Measurement UnseenCategoryShare(IEnumerable<SeriesWindow> features, TimeSpan window) =>
        Share(features, window, f => f.UnseenCategory, f => f.Samples, "unseen (not a reference category)");

    /// <summary>The share of NaN or infinite values, worst feature.</summary>
    public static Measurement NonFiniteShare(IEnumerable<SeriesWindow> features, TimeSpan window) =>
        Share(features, window, f => f.NaN + f.Infinite, f => f.Values, "NaN or infinite");

    /// <summary>The share of values outside the reference range, worst feature.</summary>
    public static Measurement OutOfRangeShare(IEnumerable<SeriesWindow> features, TimeSpan window) =>
        Share(features, window, f => f.OutOfRange, f => f.Samples, "outside the reference range");

    private static Measurement Share(IEnumerable<SeriesWindow> features, TimeSpan window, Func<SeriesWindow, double> bad, Func<SeriesWindow, double> all, string what)
    {
        ArgumentNullException.ThrowIfNull(features);
        var scored = features
            .Where(f => all(f) > 0)
            .Select(f => new DriftCause(
                f.Name,
                bad(f) / all(f),
                (long)Math.Round(all(f)),
                $"{Math.Round(bad(f)).ToString(System.Globalization.CultureInfo.InvariantCulture)} of {Math.Round(all(f)).ToString(System.Globalization.CultureInfo.InvariantCulture)} values {what}",
                f.DriftingSince))
            .ToList();
        return Worst(scored, window);
    }

    // The highest score decides (ties by name); its samples are the measurement's; the top causes ride along.
    private static Measurement Worst(List<DriftCause> scored, TimeSpan window)
    {
        if (scored.Count == 0)
        {
            return Measurement.NoData(window);
        }

        var worst = scored.OrderByDescending(c => c.Score).ThenBy(c => c.Name, StringComparer.Ordinal).First();
        return Measurement.Of(worst.Score, worst.Samples, window) with { Causes = DriftCauses.Top(scored) };
    }
}
