namespace ModelOperator.Statistics;

/// <summary>
/// Distances between two binned distributions: the Population Stability Index and the Jensen-Shannon distance.
/// Inputs are non-negative weights per bin (counts or proportions, any scale); each side is normalised to sum to 1.
/// </summary>
/// <remarks>
/// <para><b>PSI.</b> With reference proportions e and observed proportions a over k bins, first smoothed as
/// <c>x'ᵢ = (xᵢ + ε) / (1 + k·ε)</c> (so an empty bin never gives a zero inside the logarithm and the result is
/// still a distribution), <c>PSI = Σᵢ (a'ᵢ − e'ᵢ) · ln(a'ᵢ / e'ᵢ)</c>. PSI ≥ 0; 0 for identical distributions;
/// usual reading: &lt; 0.1 stable, 0.1–0.25 moderate shift, ≥ 0.25 major shift. With ε = 0 an empty bin on one side only
/// gives +∞; bins empty on both sides add nothing.</para>
/// <para><b>Jensen-Shannon distance.</b> With m = (p + q) / 2,
/// <c>JSD = ½ Σᵢ pᵢ·log₂(pᵢ/mᵢ) + ½ Σᵢ qᵢ·log₂(qᵢ/mᵢ)</c> (terms with pᵢ = 0 or qᵢ = 0 are 0) and the distance is
/// <c>√JSD</c>. Base 2 keeps it in [0, 1]: 0 for identical, 1 for disjoint distributions. It needs no smoothing.</para>
/// <para>Worked example: reference [0.5, 0.5], observed [0.9, 0.1], ε = 0:
/// PSI = 0.4·ln 1.8 + (−0.4)·ln 0.2 = 0.8789; m = [0.7, 0.3], JSD = 0.1468, distance = 0.3831.</para>
/// </remarks>
public static class DriftStatistics
{
    /// <summary>The default smoothing of empty bins for PSI.</summary>
    public const double DefaultEpsilon = 1e-4;

    /// <summary>PSI of <paramref name="observed"/> against <paramref name="reference"/>; NaN when either side has no weight.</summary>
    public static double PopulationStabilityIndex(ReadOnlySpan<double> reference, ReadOnlySpan<double> observed, double epsilon = DefaultEpsilon)
    {
        CheckShapes(reference, observed);
        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be a finite number ≥ 0.");
        }

        double referenceTotal = Total(reference, nameof(reference));
        double observedTotal = Total(observed, nameof(observed));
        if (referenceTotal == 0 || observedTotal == 0)
        {
            return double.NaN;
        }

        int k = reference.Length;
        double norm = 1 + (k * epsilon);
        double psi = 0;
        for (int i = 0; i < k; i++)
        {
            double e = ((reference[i] / referenceTotal) + epsilon) / norm;
            double a = ((observed[i] / observedTotal) + epsilon) / norm;
            if (e == a)
            {
                continue; // includes both empty with ε = 0
            }

            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>Jensen-Shannon distance (base 2, square root of the divergence) in [0, 1]; NaN when either side has no weight.</summary>
    public static double JensenShannonDistance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        CheckShapes(p, q);
        double pTotal = Total(p, nameof(p));
        double qTotal = Total(q, nameof(q));
        if (pTotal == 0 || qTotal == 0)
        {
            return double.NaN;
        }

        double divergence = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double pi = p[i] / pTotal;
            double qi = q[i] / qTotal;
            double m = (pi + qi) / 2;
            if (pi > 0)
            {
                divergence += 0.5 * pi * Math.Log2(pi / m);
            }

            if (qi > 0)
            {
                divergence += 0.5 * qi * Math.Log2(qi / m);
            }
        }

        // Rounding can leave the divergence a hair outside [0, 1].
        return Math.Sqrt(Math.Clamp(divergence, 0, 1));
    }

    /// <summary>
    /// Compares two observed histograms over the same bins (for example canary vs stable predictions):
    /// PSI of <paramref name="candidate"/> against <paramref name="baseline"/> and their Jensen-Shannon distance.
    /// </summary>
    public static DistributionComparison Compare(ReadOnlySpan<double> baseline, ReadOnlySpan<double> candidate, double epsilon = DefaultEpsilon)
    {
        CheckShapes(baseline, candidate);
        return new DistributionComparison(
            PopulationStabilityIndex(baseline, candidate, epsilon),
            JensenShannonDistance(baseline, candidate),
            Total(baseline, nameof(baseline)),
            Total(candidate, nameof(candidate)));
    }

    /// <summary>The same as <see cref="Compare(ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/> for integer counts.</summary>
    public static DistributionComparison Compare(ReadOnlySpan<long> baseline, ReadOnlySpan<long> candidate, double epsilon = DefaultEpsilon)
    {
        double[] b = ToDoubles(baseline, nameof(baseline));
        double[] c = ToDoubles(candidate, nameof(candidate));
        return Compare(b, c, epsilon);
    }

    private static double[] ToDoubles(ReadOnlySpan<long> counts, string name)
    {
        var result = new double[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] < 0)
            {
                throw new ArgumentException($"Bin {i} of {name} is {counts[i]}; counts must be ≥ 0.", name);
            }

            result[i] = counts[i];
        }

        return result;
    }

    private static void CheckShapes(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"The two distributions have {a.Length} and {b.Length} bins; they must be over the same bins.");
        }

        if (a.Length == 0)
        {
            throw new ArgumentException("The distributions have no bins; at least one bin is needed.");
        }
    }

    private static double Total(ReadOnlySpan<double> weights, string name)
    {
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = weights[i];
            if (!(w >= 0) || double.IsInfinity(w))
            {
                throw new ArgumentException($"Bin {i} of {name} is {w}; weights must be finite and ≥ 0.", name);
            }

            total += w;
        }

        return total;
    }
}

/// <summary>The result of comparing two observed distributions; the scores are NaN when a side is empty.</summary>
/// <param name="Psi">PSI of the candidate against the baseline.</param>
/// <param name="JensenShannonDistance">Jensen-Shannon distance, base 2, in [0, 1].</param>
/// <param name="BaselineCount">Total weight (samples) of the baseline.</param>
/// <param name="CandidateCount">Total weight (samples) of the candidate.</param>
public readonly record struct DistributionComparison(double Psi, double JensenShannonDistance, double BaselineCount, double CandidateCount);
