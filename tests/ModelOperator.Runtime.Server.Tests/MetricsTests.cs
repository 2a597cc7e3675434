using ModelOperator.Testing;

namespace ModelOperator.Runtime.Server.Tests;

public sealed class MetricsTests
{
    /// <summary>
    /// promtool (Debian package prometheus) judges a real scrape taken after traffic. The tool must be there
    /// (make test installs it); without it the test fails and says how to get it.
    /// </summary>
    [Fact]
    public async Task A_real_scrape_passes_promtool_check_metrics()
    {
        await using var server = await ServerFixture.StartAsync();
        using (await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good))
        using (await server.PostJsonAsync(MalformedRequestCorpus.InferPath, "{"))
        {
        }

        var scrape = await server.Client.GetStringAsync("/metrics");
        var (exit, output) = await Promtool.CheckMetricsAsync(scrape);

        Assert.True(exit == 0, "promtool check metrics failed:\n" + output);
        Assert.Contains("modelserver_request_duration_seconds_bucket", scrape, StringComparison.Ordinal);
        Assert.Contains("modelserver_inference_duration_seconds_count{model=\"churn\",version=\"1\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("modelserver_requests_in_flight{model=\"churn\",version=\"1\"} 0", scrape, StringComparison.Ordinal);
        Assert.Contains("modelserver_model_load_duration_seconds{model=\"churn\",version=\"1\"}", scrape, StringComparison.Ordinal);
    }

    /// <summary>
    /// Prometheus asks for OpenMetrics first; the same scrape (drift profile, predictions, a bad request) answers it with
    /// valid OpenMetrics, which promtool cannot lint, so its structure is checked here.
    /// </summary>
    [Fact]
    public async Task A_scrape_that_asks_for_OpenMetrics_gets_valid_OpenMetrics()
    {
        var profile = Path.Combine(AppContext.BaseDirectory, "models", "churn", "1", "profile.json");
        await using var server = await ServerFixture.StartAsync(o => o with { ProfileUri = profile });
        using (await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good))
        using (await server.PostJsonAsync(MalformedRequestCorpus.InferPath, "{"))
        {
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        using var response = await server.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("# EOF\n", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE modelserver_requests counter\n", body, StringComparison.Ordinal);
        Assert.Contains("modelserver_requests_total{model=\"churn\",version=\"1\",outcome=\"bad_request\"} 1", body, StringComparison.Ordinal);
        Assert.Contains("modelserver_prediction_value_bucket{model=\"churn\",version=\"1\",output=\"churn_probability\",le=\"+Inf\"} 1", body, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_psi{model=\"churn\",version=\"1\",series=\"feature\",name=\"tenure_months\"}", body, StringComparison.Ordinal);
        OpenMetricsCheck.AssertValid(body);

        using var text = await server.Client.GetAsync("/metrics");
        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0.0.4", text.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
    }

    [Fact]
    public async Task Promtool_rejects_a_broken_exposition_so_the_check_can_fail()
    {
        var (exit, _) = await Promtool.CheckMetricsAsync("# TYPE x_total counter\nx_total{a=\"1\" 1\n");

        Assert.NotEqual(0, exit);
    }
}
