using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Rollouts.Tests.Analysis;

/// <summary>The evaluator's drift and data-quality verdicts carry their causes; a failure names them in its message.</summary>
public sealed class DriftCauseEvaluationTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset Since = DateTimeOffset.Parse("2026-12-04T22:41:05Z", System.Globalization.CultureInfo.InvariantCulture);

    private static AnalysisVerdict Evaluate(AnalysisResult result, AnalysisCriteria criteria) =>
        AnalysisEvaluator.Evaluate("canary", result, new PodHealth { Pods = 1, Ready = 1 }, 1, criteria);

    [Fact]
    public void A_feature_drift_failure_names_the_column_its_numbers_and_since_when()
    {
        var features = new[] { PooledDriftTests.Contract(100, 100, 100, 700) with { DriftingSince = Since }, PooledDriftTests.Contract(500, 300, 200, 0, "calm") };
        var result = new AnalysisResult { Revision = "canary", MeasuredAt = Since, FeatureDrift = PooledDrift.FeatureDrift(features, Window) };

        var verdict = Evaluate(result, new AnalysisCriteria { MaxFeatureDrift = 0.25, MinSamples = 100 });

        Assert.Equal(Verdict.Failed, verdict.Verdict);
        Assert.Equal(Reasons.FeatureDrift, verdict.Deciding.Reason);
        Assert.Contains("caused by contract_months (PSI ", verdict.Deciding.Message, StringComparison.Ordinal);
        Assert.Contains("over 1000 values: unseen 70 % (reference 0 %)", verdict.Deciding.Message, StringComparison.Ordinal);
        Assert.Contains("since 2026-12-04T22:41:05Z", verdict.Deciding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("calm", verdict.Deciding.Message, StringComparison.Ordinal);
        Assert.Equal("contract_months", Assert.Single(verdict.Deciding.Causes!).Name);
    }

    public static TheoryData<double?, double?, double?, Verdict, string?> DataQualityCases => new()
    {
        // maxUnseenCategoryShare, maxNonFiniteShare, maxOutOfRangeShare, verdict, deciding metric
        { 0.05, null, null, Verdict.Failed, MetricNames.UnseenCategoryShare },
        { 0.8, null, null, Verdict.Successful, MetricNames.PodsReady },     // 70 % is within 80 %
        { null, 0.4, null, Verdict.Failed, MetricNames.NonFiniteShare },
        { null, null, 0.3, Verdict.Successful, MetricNames.PodsReady },     // 25 % is within 30 %
        { null, null, 0.2, Verdict.Failed, MetricNames.OutOfRangeShare },
    };

    [Theory]
    [MemberData(nameof(DataQualityCases))]
    public void Data_quality_limits_fail_on_the_worst_column(double? unseen, double? nonFinite, double? outOfRange, Verdict expected, string? metric)
    {
        SeriesWindow[] features =
        [
            PooledDriftTests.Contract(100, 100, 100, 700, "plan"),
            PooledDriftTests.Contract(50, 30, 20, 0, "charges") with { NaN = 60, Infinite = 40 },
            PooledDriftTests.Contract(200, 100, 100, 0, "tenure") with { OutOfRange = 100 },
        ];
        var result = new AnalysisResult
        {
            Revision = "canary",
            MeasuredAt = Since,
            UnseenCategoryShare = PooledDrift.UnseenCategoryShare(features, Window),
            NonFiniteShare = PooledDrift.NonFiniteShare(features, Window),
            OutOfRangeShare = PooledDrift.OutOfRangeShare(features, Window),
        };

        var verdict = Evaluate(result, new AnalysisCriteria { MaxUnseenCategoryShare = unseen, MaxNonFiniteShare = nonFinite, MaxOutOfRangeShare = outOfRange, MinSamples = 100 });

        Assert.Equal(expected, verdict.Verdict);
        Assert.Equal(metric, verdict.Deciding.Metric);
        if (expected == Verdict.Failed)
        {
            Assert.Equal(Reasons.DataQuality, verdict.Deciding.Reason);
            var column = metric switch { MetricNames.UnseenCategoryShare => "plan", MetricNames.NonFiniteShare => "charges", _ => "tenure" };
            Assert.Contains($"caused by {column} (share ", verdict.Deciding.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Too_few_values_in_the_worst_column_is_inconclusive_and_no_profile_is_no_data()
    {
        var few = new[] { PooledDriftTests.Contract(1, 1, 1, 7, "plan") };
        var criteria = new AnalysisCriteria { MaxUnseenCategoryShare = 0.05, MinSamples = 100 };

        var tooFew = Evaluate(new AnalysisResult { Revision = "canary", MeasuredAt = Since, UnseenCategoryShare = PooledDrift.UnseenCategoryShare(few, Window) }, criteria);
        var noProfile = Evaluate(new AnalysisResult { Revision = "canary", MeasuredAt = Since, UnseenCategoryShare = PooledDrift.UnseenCategoryShare([], Window) }, criteria);

        Assert.Equal(Verdict.Inconclusive, tooFew.Verdict);
        Assert.Contains("only 10 of the 100 samples", tooFew.Deciding.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Inconclusive, noProfile.Verdict);
        Assert.Contains("no data", noProfile.Deciding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_causes_keep_at_most_three_rounded_scores()
    {
        var causes = DecisionCauses.From(DriftCauses.Top(Enumerable.Range(1, 10).Select(i => new DriftCause($"f{i}", i / 3.0, 100, "s", Since))));

        Assert.Equal(["f10", "f9", "f8"], causes!.Select(c => c.Name));
        Assert.Equal(3.3333, causes![0].Score);
        Assert.Null(DecisionCauses.From([]));
    }
}
