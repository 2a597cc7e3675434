using System.Net;
using System.Text.Json;
using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>METRICS_PORT: /metrics and /stats on a port of their own, inference and health on PORT.</summary>
public sealed class MetricsPortTests
{
    [Fact]
    public async Task With_a_metrics_port_metrics_and_stats_are_served_there_and_only_there()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { MetricsPort = 0 });
        var metricsAddress = Assert.Single(server.Addresses, a => a != server.BaseAddress);
        using var metrics = new HttpClient { BaseAddress = metricsAddress };
        using (await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good))
        {
        }

        var scrape = await metrics.GetStringAsync("/metrics");
        using var stats = await metrics.GetAsync("/v2/models/churn/stats");
        using var metricsOnMain = await server.Client.GetAsync("/metrics");
        using var statsOnMain = await server.Client.GetAsync("/v2/models/churn/stats");
        using var inferOnMetrics = await metrics.PostAsync(MalformedRequestCorpus.InferPath, new StringContent(MalformedRequestCorpus.Good, System.Text.Encoding.UTF8, "application/json"));
        using var readyOnMain = await server.Client.GetAsync("/v2/health/ready");

        Assert.Contains("modelserver_requests_total{model=\"churn\",version=\"1\",outcome=\"success\"} 1", scrape, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readyOnMain.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (metricsOnMain.StatusCode, statsOnMain.StatusCode, inferOnMetrics.StatusCode));
        Assert.Equal("/metrics and /v2/models/{name}/stats are served on the metrics port (METRICS_PORT), not on this one",
            JsonDocument.Parse(await metricsOnMain.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal("the metrics port (METRICS_PORT) serves only /metrics and /v2/models/{name}/stats",
            JsonDocument.Parse(await inferOnMetrics.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Without_a_metrics_port_everything_stays_on_the_one_port()
    {
        await using var server = await ServerFixture.StartAsync();

        using var scrape = await server.Client.GetAsync("/metrics");

        Assert.Single(server.Addresses);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
    }

    [Theory]
    [InlineData("9090", 9090, null)]
    [InlineData("8080", null, "METRICS_PORT 8080 is the same as PORT; give metrics another port, or leave METRICS_PORT unset to serve them on PORT")]
    [InlineData("70000", null, "METRICS_PORT (--metrics-port) is '70000'; it must be a whole number from 0 to 65535")]
    public void METRICS_PORT_is_read_and_checked(string value, int? port, string? error)
    {
        var options = ServerOptionsParser.Parse([], name => name switch
        {
            "MODEL_URI" => "/models/churn.onnx",
            "MODEL_NAME" => "churn",
            "METRICS_PORT" => value,
            _ => null,
        }, out var errors);

        if (error is null)
        {
            Assert.Empty(errors);
            Assert.Equal(port, options.MetricsPort);
        }
        else
        {
            Assert.Equal(error, Assert.Single(errors));
        }
    }
}
