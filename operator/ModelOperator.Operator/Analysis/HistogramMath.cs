namespace ModelOperator.Operator.Analysis;

/// <summary>
/// Arithmetic on Prometheus histograms (cumulative <c>le</c> buckets), shared by both analysis providers. Pure.
/// </summary>
public static class HistogramMath
{
    /// <summary>The share given to an empty bin before PSI takes logarithms (avoids ln 0 and division by 0).</summary>
    public const double PsiEpsilon = 1e-4;

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
    /// The population stability index between two distributions over the same bins:
    /// <code>PSI = Σᵢ (aᵢ − eᵢ) · ln(aᵢ / eᵢ)</code> with <c>aᵢ</c>, <c>eᵢ</c> the shares of each bin (count / total), an empty bin
    /// counted as <see cref="PsiEpsilon"/>. NaN when either side has no observations or the bin counts differ.
    /// Examples: equal distributions → 0; [50, 50] vs [90, 10] → 0.879 (0.4·ln(0.5/0.9)·−1 + 0.4·ln(0.5/0.1)).
    /// Conventionally below 0.1 is no change, 0.1–0.25 a small one and above 0.25 a large one.
    /// </summary>
    public static double Psi(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count || expected.Count == 0)
        {
            return double.NaN;
        }

        var expectedTotal = expected.Sum();
        var actualTotal = actual.Sum();
        if (expectedTotal <= 0 || actualTotal <= 0)
        {
            return double.NaN;
        }

        var psi = 0.0;
        for (var i = 0; i < expected.Count; i++)
        {
            var e = Math.Max(expected[i] / expectedTotal, PsiEpsilon);
            var a = Math.Max(actual[i] / actualTotal, PsiEpsilon);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
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
}
