using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Rollouts.Tests.Analysis;

/// <summary>The window arithmetic of <see cref="ServerScrape"/> and the measurements computed from it, on records built by hand.</summary>
public sealed class ScrapeMeasurementsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private static readonly double Inf = double.PositiveInfinity;

    private static ServerScrape Counted(double requests, double failed, double fast, double slow) => new()
    {
        Requests = requests,
        FailedRequests = failed,
        Duration = new Dictionary<double, double> { [0.1] = fast, [0.5] = fast + slow, [Inf] = fast + slow },
    };

    [Fact]
    public void A_window_of_one_pod_gives_error_rate_and_p99_over_its_requests()
    {
        // Given a pod that answered 990 more requests, 10 of them failed and slow, between two scrapes
        var delta = Counted(1100, 10, 1090, 10).Since(Counted(110, 0, 100, 0));

        // When measured
        var result = ScrapeMeasurements.Compute("rev", DateTimeOffset.UnixEpoch, Window, delta, null);

        // Then the error rate rests on the window's requests and the p99 falls in the fast bucket
        Assert.Equal(990, result.ErrorRate!.Samples);
        Assert.Equal(10.0 / 990, result.ErrorRate.Value, 9);
        Assert.Equal(990, result.P99Latency!.Samples);
        Assert.Equal(0.1, result.P99Latency.Value, 6);
        Assert.True(double.IsNaN(result.PredictionDrift!.Value)); // no stable to compare with
    }

    [Fact]
    public void No_request_in_the_window_is_no_data_never_a_pass()
    {
        var result = ScrapeMeasurements.Compute("rev", DateTimeOffset.UnixEpoch, Window, ServerScrape.Zero, ServerScrape.Zero);

        Assert.Equal((double.NaN, 0L), (result.ErrorRate!.Value, result.ErrorRate.Samples));
        Assert.True(double.IsNaN(result.P99Latency!.Value));
        Assert.True(double.IsNaN(result.FeatureDrift!.Value));
    }

    [Fact]
    public void A_restarted_server_counts_its_new_requests_whole()
    {
        var delta = Counted(40, 4, 40, 0).Since(Counted(5000, 50, 5000, 0));

        Assert.Equal((40, 4), (delta.Requests, delta.FailedRequests));
        Assert.Equal(40, delta.Duration[Inf]);
    }

    [Fact]
    public void Pods_add_up_their_counters_and_keep_the_worst_window_gauges()
    {
        var a = Counted(100, 1, 90, 10) with { MaxFeaturePsi = 0.3, DriftRows = 200, InFlight = 2, ModelLoadSeconds = 4 };
        var b = Counted(50, 0, 50, 0) with { MaxFeaturePsi = double.NaN, DriftRows = 100, InFlight = 3, ModelLoadSeconds = 7 };

        var sum = a.Plus(b);

        Assert.Equal((150, 1, 5), (sum.Requests, sum.FailedRequests, sum.InFlight));
        Assert.Equal(150, sum.Duration[Inf]);
        Assert.Equal((0.3, 300, 7), (sum.MaxFeaturePsi, sum.DriftRows, sum.ModelLoadSeconds));
    }

    [Fact]
    public void Servers_without_feature_bins_fall_back_to_the_worst_pods_psi_over_all_window_rows()
    {
        var canary = ServerScrape.Zero with { MaxFeaturePsi = 0.41, DriftRows = 300 };

        var result = ScrapeMeasurements.Compute("rev", DateTimeOffset.UnixEpoch, Window, canary, null);

        Assert.Equal((0.41, 300L), (result.FeatureDrift!.Value, result.FeatureDrift.Samples));
    }

    [Fact]
    public void Prediction_drift_compares_the_canarys_buckets_with_the_stables()
    {
        static ServerScrape Predicted(double low, double high) => ServerScrape.Zero with
        {
            Predictions = new Dictionary<string, IReadOnlyDictionary<double, double>>
            {
                ["p"] = new Dictionary<double, double> { [0.5] = low, [Inf] = low + high },
            },
        };

        var same = ScrapeMeasurements.Compute("rev", DateTimeOffset.UnixEpoch, Window, Predicted(50, 50), Predicted(50, 50));
        var moved = ScrapeMeasurements.Compute("rev", DateTimeOffset.UnixEpoch, Window, Predicted(10, 90), Predicted(50, 50));

        Assert.Equal(0, same.PredictionDrift!.Value, 9);
        Assert.Equal(0.8784, moved.PredictionDrift!.Value, 4); // the PSI of [50, 50] → [10, 90], as HistogramMath's table
        Assert.Equal(100, moved.PredictionDrift.Samples);
    }
}
