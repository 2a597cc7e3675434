using ModelOperator.Metrics;
using ModelOperator.Operator.Analysis;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Tests.Analysis;

public sealed class ServerScrapeTests
{
    [Theory]
    [InlineData("success", 0)]
    [InlineData("client_aborted", 0)]
    [InlineData("error", 5)]
    [InlineData("unavailable", 5)]
    [InlineData("bad_request", 5)]
    [InlineData("busy", 5)]
    public void A_scrape_counts_every_outcome_as_a_request_and_all_but_success_and_client_aborts_as_failures(string outcome, double failed)
    {
        var scrape = ServerScrapeReader.Read(PrometheusText.Parse(
            $"modelserver_requests_total{{outcome=\"success\"}} 95\nmodelserver_requests_total{{outcome=\"{outcome}\"}} 5\n", out _));

        Assert.Equal(100, scrape.Requests);
        Assert.Equal(failed, scrape.FailedRequests);
    }

    [Fact]
    public void Server_scrape_deltas_give_error_rate_latency_and_drift()
    {
        static ServerScrape Scrape(double ok, double failed, double fast, double slow) => ServerScrapeReader.Read(PrometheusText.Parse(
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
