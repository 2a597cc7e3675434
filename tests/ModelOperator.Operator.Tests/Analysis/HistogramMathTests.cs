using ModelOperator.Operator.Analysis;

namespace ModelOperator.Operator.Tests.Analysis;

public sealed class HistogramMathTests
{
    [Fact]
    public void Bins_come_from_cumulative_buckets_and_a_reset_counts_as_zero()
    {
        Assert.Equal([3.0, 7, 0], HistogramMath.Bins([(0.5, 3), (1, 10), (double.PositiveInfinity, 10)]));
        Assert.Equal([5.0, 0, 2], HistogramMath.Bins([(1, 5), (0.5 + 1.5, 4), (double.PositiveInfinity, 7)]));
    }

    [Theory]
    [InlineData(new double[] { 50, 50 }, new double[] { 50, 50 }, 0.0)]
    [InlineData(new double[] { 50, 50 }, new double[] { 90, 10 }, 0.8789)]
    [InlineData(new double[] { 10, 20, 70 }, new double[] { 10, 20, 70 }, 0.0)]
    public void Psi_table(double[] expected, double[] actual, double psi) =>
        Assert.Equal(psi, HistogramMath.Psi(expected, actual), 4);

    [Fact]
    public void Psi_is_nan_without_observations_or_with_different_bins()
    {
        Assert.True(double.IsNaN(HistogramMath.Psi([0, 0], [1, 2])));
        Assert.True(double.IsNaN(HistogramMath.Psi([1, 2], [1, 2, 3])));
        Assert.True(double.IsFinite(HistogramMath.Psi([100, 0], [0, 100]))); // empty bins are smoothed, not infinite
    }

    [Theory]
    [InlineData(0.99, 0.46)]
    [InlineData(0.5, 0.0556)]
    public void Quantile_interpolates_like_histogram_quantile(double q, double value) =>
        Assert.Equal(value, HistogramMath.Quantile(q, [(0.1, 90), (0.5, 100), (double.PositiveInfinity, 100)]), 4);

    [Fact]
    public void Quantile_in_the_inf_bucket_is_the_highest_finite_bound_and_nan_without_data()
    {
        Assert.Equal(0.5, HistogramMath.Quantile(0.99, [(0.1, 10), (0.5, 20), (double.PositiveInfinity, 100)]));
        Assert.True(double.IsNaN(HistogramMath.Quantile(0.99, [(0.1, 0), (double.PositiveInfinity, 0)])));
        Assert.Throws<ArgumentOutOfRangeException>(() => HistogramMath.Quantile(1.5, []));
    }

    [Fact]
    public void Prometheus_text_is_read_with_escapes_and_special_values()
    {
        var samples = PrometheusText.Parse(
            "# HELP x y\nmodelserver_requests_total{model=\"a\\\"b\",outcome=\"success\"} 12\nm_bucket{le=\"+Inf\"} 3 1700000000\nbroken{ 1\nnan_metric NaN\n",
            out var skipped);

        Assert.Equal(1, skipped);
        Assert.Equal("a\"b", samples[0].Label("model"));
        Assert.Equal(12, samples[0].Value);
        Assert.Equal("+Inf", samples[1].Label("le"));
        Assert.True(double.IsNaN(samples[2].Value));
    }

    [Theory]
    [InlineData("success", 0)]
    [InlineData("client_aborted", 0)]
    [InlineData("error", 5)]
    [InlineData("unavailable", 5)]
    [InlineData("bad_request", 5)]
    [InlineData("busy", 5)]
    public void A_scrape_counts_every_outcome_as_a_request_and_all_but_success_and_client_aborts_as_failures(string outcome, double failed)
    {
        var scrape = ServerScrape.From(PrometheusText.Parse(
            $"modelserver_requests_total{{outcome=\"success\"}} 95\nmodelserver_requests_total{{outcome=\"{outcome}\"}} 5\n", out _));

        Assert.Equal(100, scrape.Requests);
        Assert.Equal(failed, scrape.FailedRequests);
    }

    [Fact]
    public void Server_scrape_deltas_give_error_rate_latency_and_drift()
    {
        static ServerScrape Scrape(double ok, double failed, double fast, double slow) => ServerScrape.From(PrometheusText.Parse(
            $"modelserver_requests_total{{outcome=\"success\"}} {ok}\nmodelserver_requests_total{{outcome=\"error\"}} {failed}\n" +
            $"modelserver_request_duration_seconds_bucket{{le=\"0.1\"}} {fast}\nmodelserver_request_duration_seconds_bucket{{le=\"0.5\"}} {fast + slow}\n" +
            $"modelserver_request_duration_seconds_bucket{{le=\"+Inf\"}} {fast + slow}\n" +
            "modelserver_drift_psi{series=\"feature\",name=\"a\"} 0.4\nmodelserver_drift_psi{series=\"feature\",name=\"b\"} 0.1\nmodelserver_drift_window_rows 300\n", out _));

        var delta = Scrape(1090, 10, 1090, 10).Since(Scrape(100, 0, 100, 0));
        var result = ScrapeMeasurements.Compute("rev", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(30), delta, null);

        Assert.Equal(1000, result.ErrorRate!.Samples);
        Assert.Equal(0.01, result.ErrorRate.Value, 6);
        Assert.Equal(0.1, result.P99Latency!.Value, 6);
        Assert.Equal(0.4, result.FeatureDrift!.Value);
        Assert.Equal(300, result.FeatureDrift.Samples);
        Assert.True(double.IsNaN(result.PredictionDrift!.Value));
    }

    [Fact]
    public void Prometheus_vector_answers_and_errors_are_read()
    {
        var (samples, error) = PrometheusAnalysisProvider.ParseVector(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"le\":\"0.5\",\"output\":\"p\"},\"value\":[1700000000,\"42\"]}]}}", 200);
        var (_, failure) = PrometheusAnalysisProvider.ParseVector("{\"status\":\"error\",\"error\":\"parse error at char 3\"}", 400);

        Assert.Null(error);
        Assert.Equal(42, Assert.Single(samples).Value);
        Assert.Equal("0.5", samples[0].Label("le"));
        Assert.Equal("Prometheus answered HTTP 400 without status success", failure); // its own text is not repeated
        Assert.Equal("namespace=\"ml\",pod=~\"churn-abc-.*\"", PrometheusAnalysisProvider.Selector("ml", "churn-abc"));
    }
}
