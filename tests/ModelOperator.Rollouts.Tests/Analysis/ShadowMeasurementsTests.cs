using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Rollouts.Tests.Analysis;

/// <summary>A shadow step's measurements from the copies the stable pods counted, on counts built by hand.</summary>
public sealed class ShadowMeasurementsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private static ShadowCounts Copies(double compared, double failed, double agreements, double fast, double slow) => new()
    {
        Compared = compared,
        Failed = failed,
        Agreements = agreements,
        CandidateDuration = new Dictionary<double, double> { [0.01] = fast, [0.1] = fast + slow, [double.PositiveInfinity] = fast + slow },
    };

    [Fact]
    public void The_worked_example_holds_and_the_canarys_own_drift_stays()
    {
        // 1000 compared, 996 agreed, 4 failed → disagreement 0.4 % over 1000, error rate 0.4 % over 1004
        var canary = new AnalysisResult { Revision = "churn-2", MeasuredAt = DateTimeOffset.UnixEpoch, PredictionDrift = Measurement.Of(0.01, 900, Window) };

        var result = ShadowMeasurements.Compute(canary, Copies(1000, 4, 996, 1004, 0), Window);

        Assert.True(result.Shadow);
        Assert.Equal((0.004, 1000L), (Math.Round(result.ShadowDisagreement!.Value, 9), result.ShadowDisagreement.Samples));
        Assert.Equal((Math.Round(4.0 / 1004, 9), 1004L), (Math.Round(result.ErrorRate!.Value, 9), result.ErrorRate.Samples));
        Assert.InRange(result.P99Latency!.Value, 0, 0.01);
        Assert.Equal(0.01, result.PredictionDrift!.Value);
    }

    [Fact]
    public void A_window_without_copies_is_no_data_never_a_pass()
    {
        var result = ShadowMeasurements.Compute(new AnalysisResult { Revision = "churn-2", MeasuredAt = DateTimeOffset.UnixEpoch }, ShadowCounts.Zero, Window);

        Assert.True(double.IsNaN(result.ShadowDisagreement!.Value));
        Assert.Equal(0, result.ShadowDisagreement.Samples);
        Assert.True(double.IsNaN(result.ErrorRate!.Value));
        Assert.True(double.IsNaN(result.P99Latency!.Value));
    }

    [Fact]
    public void Copies_are_counted_over_a_window_and_summed_over_pods_and_a_restart_counts_whole()
    {
        var podA = Copies(1000, 2, 990, 1000, 2).Since(Copies(400, 0, 396, 400, 0));
        var podB = Copies(800, 3, 790, 795, 8).Since(Copies(400, 1, 396, 400, 1));
        var restarted = Copies(50, 0, 49, 50, 0).Since(Copies(900, 5, 890, 900, 0));

        var sum = podA.Plus(podB);

        Assert.Equal((1000, 988, 4), (sum.Compared, sum.Agreements, sum.Failed));
        Assert.Equal(1004, sum.CandidateDuration[double.PositiveInfinity]);
        Assert.Equal((50, 49, 0), (restarted.Compared, restarted.Agreements, restarted.Failed));
    }

    [Fact]
    public void Unmeasured_sets_every_measurement_to_the_failure()
    {
        var failure = Measurement.Failure("no stable pod could be read", Window);

        var result = ShadowMeasurements.Unmeasured("churn-2", DateTimeOffset.UnixEpoch, failure);

        Assert.True(result.Shadow);
        Assert.All([result.ErrorRate, result.P99Latency, result.PredictionDrift, result.FeatureDrift, result.ShadowDisagreement], m => Assert.Same(failure, m));
    }
}
