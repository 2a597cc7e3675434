using ModelOperator.Runtime.Drift;
using ModelOperator.Statistics;

namespace ModelOperator.Deploy.Tests.Sampling;

/// <summary>
/// How often sampling noise alone pushes PSI over a threshold when nothing changed: both sides are drawn from the same
/// distribution, scored with the product's own PSI (<see cref="HistogramMath.Psi"/>, which the operator's
/// <c>predictionDrift</c> and the server's <c>featureDrift</c> share), and the share of trials above the threshold is
/// the chance that a rollout of an equal model fails that analysis. Seeded, so an estimate is the same on every run.
/// </summary>
internal sealed class DriftNoise(int trials, int seed)
{
    public int Trials { get; } = trials;

    /// <summary>
    /// The chance that the PSI of <paramref name="canary"/> predictions against <paramref name="stable"/> ones, both drawn
    /// from <paramref name="proportions"/> (per histogram bucket), is above <paramref name="threshold"/>.
    /// </summary>
    public double PredictionDriftAbove(IReadOnlyList<double> proportions, int stable, int canary, double threshold)
    {
        var rng = new Random(seed);
        var cumulative = Cumulative(proportions);
        var above = 0;
        for (var t = 0; t < Trials; t++)
        {
            if (HistogramMath.Psi(Draw(rng, cumulative, stable), Draw(rng, cumulative, canary)) > threshold)
            {
                above++;
            }
        }

        return (double)above / Trials;
    }

    /// <summary>
    /// The chance that the worst feature PSI of a window of <paramref name="rows"/> rows drawn from the reference profile
    /// itself is above <paramref name="threshold"/> (the server scores each feature's window against the profile).
    /// </summary>
    public double FeatureDriftAbove(ReferenceProfile profile, int rows, double threshold)
    {
        var rng = new Random(seed);
        var features = profile.Features.Select(f => (Reference: f.Proportions, Cumulative: Cumulative(f.Proportions))).ToArray();
        var above = 0;
        for (var t = 0; t < Trials; t++)
        {
            if (features.Any(f => HistogramMath.Psi(f.Reference, Draw(rng, f.Cumulative, rows)) > threshold))
            {
                above++;
            }
        }

        return (double)above / Trials;
    }

    /// <summary>
    /// The share of an output series' reference distribution in each Prometheus bucket (<c>le</c> bounds, then <c>+Inf</c>):
    /// the profile's bins hold its mass spread evenly between their edges, the under- and overflow bins at the profile's
    /// minimum and maximum.
    /// </summary>
    public static double[] BucketShares(SeriesProfile output, IReadOnlyList<double> bounds)
    {
        if (output.Kind != SeriesKind.Numeric)
        {
            throw new ArgumentException($"Output \"{output.Name}\" is {output.Kind}; the prediction histogram needs a numeric output.", nameof(output));
        }

        var shares = new double[bounds.Count + 1];
        var below = 0.0;
        for (var i = 0; i < bounds.Count; i++)
        {
            var upTo = MassAtOrBelow(output, bounds[i]);
            shares[i] = upTo - below;
            below = upTo;
        }

        shares[^1] = Math.Max(0, 1 - below);
        return shares;
    }

    private static double MassAtOrBelow(SeriesProfile output, double x)
    {
        var edges = output.Edges;
        var p = output.Proportions;
        var mass = x >= output.Min ? p[0] : 0;
        for (var b = 1; b < edges.Count; b++)
        {
            var (low, high) = (edges[b - 1], edges[b]);
            mass += x >= high ? p[b] : x > low ? p[b] * (x - low) / (high - low) : 0;
        }

        return mass + (x >= output.Max ? p[^1] : 0);
    }

    private static double[] Cumulative(IReadOnlyList<double> proportions)
    {
        var total = proportions.Sum();
        var cumulative = new double[proportions.Count];
        var running = 0.0;
        for (var i = 0; i < cumulative.Length; i++)
        {
            running += proportions[i] / total;
            cumulative[i] = running;
        }

        cumulative[^1] = double.PositiveInfinity; // rounding never leaves a draw past the last bin
        return cumulative;
    }

    private static double[] Draw(Random rng, double[] cumulative, int count)
    {
        var bins = new double[cumulative.Length];
        for (var n = 0; n < count; n++)
        {
            var i = Array.BinarySearch(cumulative, rng.NextDouble());
            bins[i < 0 ? ~i : i]++;
        }

        return bins;
    }
}
