namespace ModelOperator.Statistics;

/// <summary>
/// Arithmetic on Prometheus histograms (cumulative <c>le</c> buckets), shared by the operator's analysis providers and its load observation. Pure.
/// </summary>
public static class HistogramMath
{
    /// <summary>
    /// Per-bin counts from cumulative buckets: <c>bin[i] = count(le_i) − count(le_{i−1})</c>, buckets sorted by
    /// <c>le</c> (the last one is usually <c>+Inf</c>). A negative difference (a counter reset caught between two scrapes) counts as 0.
    /// Example: le 0.5 → 3, le 1 → 10, +Inf → 10 gives bins [3, 7, 0].
    /// </summary>
    public static double[] Bins(IReadOnlyList<(double Le, double Count)> cumulative)
    {
        ArgumentNullException.ThrowIfNull(cumulative);
        var sorted = cumulative.OrderBy(b => b.Le).ToArray();
        var bins = new double[sorted.Length];
        var previous = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            bins[i] = Math.Max(0, sorted[i].Count - previous);
            previous = Math.Max(previous, sorted[i].Count);
        }

        return bins;
    }

    /// <summary>
    /// The population stability index of <paramref name="actual"/> bins against <paramref name="expected"/> ones:
    /// exactly <see cref="DriftStatistics.PopulationStabilityIndex"/> with its default smoothing, so that the operator's
    /// <c>predictionDrift</c> and the model server's drift signal (<c>featureDrift</c>) are the same statistic.
    /// Where that function refuses its input, this one answers NaN instead, because a scrape is evidence, not a contract:
    /// either side without observations, different bin counts, or a bin that is negative or not finite.
    /// Examples: equal distributions → 0; [50, 50] vs [90, 10] → 0.8784 (0.8789 without smoothing).
    /// </summary>
    public static double Psi(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count || expected.Count == 0 || !IsWeights(expected) || !IsWeights(actual)
            || expected.Sum() <= 0 || actual.Sum() <= 0)
        {
            return double.NaN;
        }

        return DriftStatistics.PopulationStabilityIndex([.. expected], [.. actual]);
    }

    /// <summary>
    /// The <paramref name="q"/>-quantile of cumulative buckets, interpolated linearly inside the bucket as PromQL's
    /// <c>histogram_quantile</c> does: rank = q · total; find the first bucket whose count reaches the rank; return
    /// <c>lower + (upper − lower) · (rank − countBelow) / countInBucket</c>, the lower bound of the first bucket being 0.
    /// When the rank falls into the <c>+Inf</c> bucket the highest finite bound is returned. NaN when there are no observations.
    /// Example: le 0.1 → 90, le 0.5 → 100, +Inf → 100, q 0.99 → 0.1 + 0.4 · (99 − 90) / 10 = 0.46.
    /// </summary>
    public static double Quantile(double q, IReadOnlyList<(double Le, double Count)> cumulative)
    {
        ArgumentNullException.ThrowIfNull(cumulative);
        if (q is < 0 or > 1 || double.IsNaN(q))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must be from 0 to 1.");
        }

        var sorted = cumulative.OrderBy(b => b.Le).ToArray();
        if (sorted.Length == 0 || sorted[^1].Count <= 0)
        {
            return double.NaN;
        }

        var rank = q * sorted[^1].Count;
        var lower = 0.0;
        var below = 0.0;
        foreach (var (le, count) in sorted)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le))
                {
                    return lower;
                }

                var inBucket = count - below;
                return inBucket <= 0 ? le : lower + ((le - lower) * (rank - below) / inBucket);
            }

            lower = le;
            below = count;
        }

        return lower;
    }

    /// <summary>
    /// Bucket by bucket, what was counted between <paramref name="before"/> and <paramref name="now"/> (same <c>le</c>
    /// bounds; a bound missing before counts from 0). A bucket that went down (a counter reset) counts 0, never negative.
    /// Example: {0.1 → 90, +Inf → 100} since {0.1 → 40, +Inf → 45} gives {0.1 → 50, +Inf → 55}.
    /// </summary>
    public static IReadOnlyDictionary<double, double> Difference(IReadOnlyDictionary<double, double> now, IReadOnlyDictionary<double, double> before)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(before);
        return now.ToDictionary(p => p.Key, p => Math.Max(0, p.Value - before.GetValueOrDefault(p.Key)));
    }

    /// <summary>
    /// The bucket-by-bucket sum of two histograms (two pods', two windows'), over the union of their bounds; null is empty.
    /// Example: {0.1 → 2, +Inf → 3} plus {0.5 → 1, +Inf → 4} gives {0.1 → 2, 0.5 → 1, +Inf → 7}.
    /// </summary>
    public static IReadOnlyDictionary<double, double> Sum(IReadOnlyDictionary<double, double>? a, IReadOnlyDictionary<double, double>? b)
    {
        var sum = new Dictionary<double, double>(a ?? new Dictionary<double, double>());
        foreach (var (le, count) in b ?? new Dictionary<double, double>())
        {
            sum[le] = sum.GetValueOrDefault(le) + count;
        }

        return sum;
    }

    private static bool IsWeights(IReadOnlyList<double> bins) => bins.All(b => b >= 0 && double.IsFinite(b));
}
