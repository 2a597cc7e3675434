using ModelOperator.Rollouts.Analysis;
using ModelOperator.Statistics;

namespace ModelOperator.Rollouts.Tests.Analysis;

/// <summary>Drift and data quality on a revision's pooled windows, and the causes they name.</summary>
public sealed class PooledDriftTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>A categorical feature with categories 1, 12, 24 and the unseen bin; reference 50 / 30 / 20 / 0 %.</summary>
    internal static SeriesWindow Contract(double ones, double twelves, double twentyFours, double unseen, string name = "contract_months") => new()
    {
        Name = name,
        Bins =
        [
            new SeriesBin(0, "= 1", ones, 0.5),
            new SeriesBin(1, "= 12", twelves, 0.3),
            new SeriesBin(2, "= 24", twentyFours, 0.2),
            new SeriesBin(3, "unseen", unseen, 0),
        ],
        UnseenCategory = unseen,
        ReferenceMean = 10.62,
        MeanTimesSamples = ((ones * 1) + (twelves * 12) + (twentyFours * 24)),
        MeanWeight = ones + twelves + twentyFours,
    };

    [Fact]
    public void Pods_are_pooled_bin_by_bin_before_scoring_so_score_and_samples_rest_on_the_same_values()
    {
        // Given a busy pod that looks like the reference and a quiet pod with 10 unusual values
        var busy = Contract(500, 300, 200, 0);
        var quiet = Contract(0, 0, 10, 0);

        // When the revision is measured
        var pooled = busy.Plus(quiet);
        var measurement = PooledDrift.FeatureDrift([pooled], Window);

        // Then the score is the PSI of the 1010 pooled values, not the quiet pod's PSI beside the busy pod's count
        var expected = DriftStatistics.PopulationStabilityIndex([0.5, 0.3, 0.2, 0], [500, 300, 210, 0]);
        Assert.Equal(expected, measurement.Value, 12);
        Assert.Equal(1010, measurement.Samples);
        Assert.True(measurement.Value < quiet.Psi / 10, $"pooled {measurement.Value} vs the quiet pod alone {quiet.Psi}");
    }

    [Fact]
    public void The_worst_feature_decides_and_the_top_three_are_named_by_score_then_name()
    {
        SeriesWindow[] features =
        [
            Contract(500, 300, 200, 0, "a_calm"),
            Contract(100, 100, 100, 700, "z_unseen"),
            Contract(0, 1000, 0, 0, "b_twelves"),
            Contract(0, 1000, 0, 0, "a_twelves"), // the same score as b_twelves: the name breaks the tie
            Contract(0, 0, 1000, 0, "twenty_fours"),
        ];

        var measurement = PooledDrift.FeatureDrift(features, Window);

        Assert.Equal(features[4].Psi, measurement.Value, 12);
        Assert.Equal(1000, measurement.Samples);
        Assert.Equal(["twenty_fours", "z_unseen", "a_twelves"], measurement.Causes!.Select(c => c.Name));
    }

    [Fact]
    public void A_feature_summary_names_the_unseen_share_the_bins_that_moved_and_the_mean()
    {
        var summary = DriftCauses.FeatureSummary(Contract(200, 300, 200, 300));

        Assert.Equal("unseen 30 % (reference 0 %); gained unseen 0 % → 30 %, lost = 1 50 % → 20 %; mean 10.62 → 12.29", summary);
    }

    [Fact]
    public void No_features_or_no_values_are_no_data_not_a_pass()
    {
        Assert.True(double.IsNaN(PooledDrift.FeatureDrift([], Window).Value));
        Assert.True(double.IsNaN(PooledDrift.FeatureDrift([Contract(0, 0, 0, 0)], Window).Value));
        Assert.True(double.IsNaN(PooledDrift.UnseenCategoryShare([Contract(0, 0, 0, 0)], Window).Value));
        Assert.Null(PooledDrift.FeatureDrift([], Window).Causes);
    }

    public static TheoryData<string, double, long, string> ShareCases => new()
    {
        // metric, worst share, its samples, the column named first
        { "unseen", 0.7, 1000, "z_unseen" },
        { "nonFinite", 0.5, 200, "nan_heavy" },
        { "outOfRange", 0.25, 400, "ranged" },
    };

    [Theory]
    [MemberData(nameof(ShareCases))]
    public void Data_quality_is_the_worst_features_share_and_names_the_column(string metric, double share, long samples, string column)
    {
        SeriesWindow[] features =
        [
            Contract(500, 300, 200, 0, "a_calm"),
            Contract(100, 100, 100, 700, "z_unseen"),
            Contract(50, 30, 20, 0, "nan_heavy") with { NaN = 60, Infinite = 40 },
            Contract(200, 100, 100, 0, "ranged") with { OutOfRange = 100 },
        ];

        var measurement = metric switch
        {
            "unseen" => PooledDrift.UnseenCategoryShare(features, Window),
            "nonFinite" => PooledDrift.NonFiniteShare(features, Window),
            _ => PooledDrift.OutOfRangeShare(features, Window),
        };

        Assert.Equal(share, measurement.Value, 12);
        Assert.Equal(samples, measurement.Samples);
        Assert.Equal(column, measurement.Causes![0].Name);
        Assert.DoesNotContain(measurement.Causes, c => c.Name == "a_calm"); // a clean column is never blamed
    }

    [Fact]
    public void Prediction_drift_says_how_predictions_moved_in_words_and_numbers()
    {
        // Stable: 95 % of predictions at or below 0.8; canary: 69 %.
        var stable = new Dictionary<string, IReadOnlyDictionary<double, double>> { ["churn"] = new Dictionary<double, double> { [0.5] = 80, [0.8] = 95, [double.PositiveInfinity] = 100 } };
        var canary = new Dictionary<string, IReadOnlyDictionary<double, double>> { ["churn"] = new Dictionary<double, double> { [0.5] = 60, [0.8] = 69, [double.PositiveInfinity] = 100 } };

        var measurement = PooledDrift.PredictionDrift(canary, stable, Window);

        Assert.Equal(HistogramMath.Psi([80, 15, 5], [60, 9, 31]), measurement.Value, 12);
        Assert.Equal(100, measurement.Samples);
        var cause = Assert.Single(measurement.Causes!);
        Assert.Equal("share of predictions above 0.8: stable 5 %, canary 31 %", cause.Summary);
    }

    [Fact]
    public void Names_and_summaries_are_bounded_whatever_the_profile_holds()
    {
        var longName = new string('x', 500);
        var causes = DriftCauses.Top(Enumerable.Range(0, 100).Select(i => new DriftCause(longName + i, i + 1, 10, new string('s', 5000))));

        Assert.Equal(DriftCauses.MaxCauses, causes.Count);
        Assert.All(causes, c => Assert.True(c.Name.Length <= DriftCauses.MaxNameLength && c.Summary.Length <= DriftCauses.MaxSummaryLength));
    }

    [Fact]
    public void The_earliest_drift_start_over_pods_is_kept()
    {
        var early = DateTimeOffset.Parse("2026-12-04T22:41:05Z", System.Globalization.CultureInfo.InvariantCulture);
        var pooled = (Contract(1, 1, 1, 1) with { DriftingSince = early.AddMinutes(2) }).Plus(Contract(1, 1, 1, 1) with { DriftingSince = early }).Plus(Contract(1, 1, 1, 1));

        Assert.Equal(early, pooled.DriftingSince);
        Assert.Equal(12, pooled.Samples);
    }
}
