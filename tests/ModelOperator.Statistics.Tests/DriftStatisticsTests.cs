namespace ModelOperator.Statistics.Tests;

public sealed class DriftStatisticsTests
{
    // Expected values computed independently (Python, the formulas in DriftStatistics' docs).
    public static TheoryData<double[], double[], double, double, double> Cases => new()
    {
        // identical distributions
        { [0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25], 1e-4, 0.0, 0.0 },
        // the worked example, without and with smoothing
        { [0.5, 0.5], [0.9, 0.1], 0, 0.8788898309344878, 0.38313587985994224 },
        { [0.5, 0.5], [0.9, 0.1], 1e-4, 0.8783588010165426, 0.38313587985994224 },
        // disjoint: JS distance is exactly 1; PSI is finite only thanks to ε
        { [1, 0], [0, 1], 1e-4, 18.41719729449413, 1.0 },
        // an empty reference bin
        { [0.5, 0.5, 0], [0.25, 0.25, 0.5], 1e-4, 4.603789069259316, 0.5579230452841438 },
        // reversed
        { [0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1], 0, 0.9128696382935673, 0.3918681606471551 },
        // small shift, larger ε
        { [0.2, 0.8], [0.3, 0.7], 0.01, 0.051101376901259446, 0.09832917878282785 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Psi_and_js_match_hand_computed_values(double[] reference, double[] observed, double epsilon, double psi, double js)
    {
        Assert.Equal(psi, DriftStatistics.PopulationStabilityIndex(reference, observed, epsilon), 12);
        Assert.Equal(js, DriftStatistics.JensenShannonDistance(reference, observed), 12);
    }

    [Fact]
    public void Weights_are_normalised_so_counts_and_proportions_agree()
    {
        Assert.Equal(
            DriftStatistics.PopulationStabilityIndex([0.5, 0.5], [0.9, 0.1], 1e-4),
            DriftStatistics.PopulationStabilityIndex([500, 500], [9, 1], 1e-4),
            12);
        Assert.Equal(0.38313587985994224, DriftStatistics.JensenShannonDistance([3, 3], [90, 10]), 12);
    }

    [Fact]
    public void Js_distance_is_symmetric_and_psi_is_too_for_this_definition()
    {
        double[] p = [0.1, 0.6, 0.3];
        double[] q = [0.3, 0.3, 0.4];
        Assert.Equal(DriftStatistics.JensenShannonDistance(p, q), DriftStatistics.JensenShannonDistance(q, p), 14);
        Assert.Equal(DriftStatistics.PopulationStabilityIndex(p, q), DriftStatistics.PopulationStabilityIndex(q, p), 14);
    }

    [Fact]
    public void Zero_epsilon_with_a_bin_empty_on_one_side_is_infinite_and_empty_on_both_adds_nothing()
    {
        Assert.Equal(double.PositiveInfinity, DriftStatistics.PopulationStabilityIndex([1, 0], [0.5, 0.5], 0));
        Assert.Equal(0.8788898309344878, DriftStatistics.PopulationStabilityIndex([0.5, 0.5, 0], [0.9, 0.1, 0], 0), 12);
    }

    [Fact]
    public void An_empty_side_gives_NaN_not_a_score()
    {
        Assert.True(double.IsNaN(DriftStatistics.PopulationStabilityIndex([0.5, 0.5], [0, 0])));
        Assert.True(double.IsNaN(DriftStatistics.JensenShannonDistance([0, 0], [1, 0])));
    }

    [Fact]
    public void Bad_inputs_are_refused_with_the_reason()
    {
        Assert.Contains("2 and 3 bins", Assert.Throws<ArgumentException>(() => DriftStatistics.JensenShannonDistance([1, 1], [1, 1, 1])).Message, StringComparison.Ordinal);
        Assert.Contains("no bins", Assert.Throws<ArgumentException>(() => DriftStatistics.JensenShannonDistance([], [])).Message, StringComparison.Ordinal);
        Assert.Contains("Bin 1 of observed is -1", Assert.Throws<ArgumentException>(() => DriftStatistics.PopulationStabilityIndex([1, 1], [1, -1])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DriftStatistics.JensenShannonDistance([1, double.NaN], [1, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DriftStatistics.PopulationStabilityIndex([1, 1], [1, 1], -0.1));
    }

    [Fact]
    public void Canary_and_stable_prediction_histograms_are_compared_with_the_same_functions()
    {
        long[] stable = [500, 300, 200];
        long[] canary = [50, 30, 20];
        DistributionComparison same = DriftStatistics.Compare(stable, canary);
        Assert.Equal(0, same.Psi, 12);
        Assert.Equal(0, same.JensenShannonDistance, 12);
        Assert.Equal(1000, same.BaselineCount);
        Assert.Equal(100, same.CandidateCount);

        DistributionComparison shifted = DriftStatistics.Compare([50.0, 50], [90.0, 10], epsilon: 0);
        Assert.Equal(0.8788898309344878, shifted.Psi, 12);
        Assert.Equal(0.38313587985994224, shifted.JensenShannonDistance, 12);

        DistributionComparison noCanaryTraffic = DriftStatistics.Compare(stable, [0L, 0, 0]);
        Assert.True(double.IsNaN(noCanaryTraffic.Psi));
        Assert.Equal(0, noCanaryTraffic.CandidateCount);
        Assert.Throws<ArgumentException>(() => DriftStatistics.Compare(stable, [1L, -1, 0]));
    }
}
