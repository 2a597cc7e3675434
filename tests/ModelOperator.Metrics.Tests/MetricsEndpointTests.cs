using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelOperator.Testing;
using Prometheus;

namespace ModelOperator.Metrics.Tests;

public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        MetricsEndpoint.Map(_app, SampleRegistry.Create());
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_plain_scrape_gets_the_text_format_that_promtool_accepts()
    {
        using HttpResponseMessage response = await _client!.GetAsync("/metrics");
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MetricsEndpoint.TextContentType, response.Content.Headers.ContentType!.ToString().Replace(" ", string.Empty, StringComparison.Ordinal).Replace(";", "; ", StringComparison.Ordinal));
        Assert.Contains("# TYPE model_requests_total counter\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("# EOF", body, StringComparison.Ordinal);
        await Promtool.AssertAcceptsAsync(body);
    }

    [Fact]
    public async Task A_scrape_that_asks_for_OpenMetrics_gets_valid_OpenMetrics()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        // What Prometheus 2.x sends by default.
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        using HttpResponseMessage response = await _client!.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("1.0.0", response.Content.Headers.ContentType.Parameters.Single(p => p.Name == "version").Value);
        Assert.EndsWith("# EOF\n", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE model_requests counter\n", body, StringComparison.Ordinal);
        Assert.Contains("model_requests_total{model=\"churn\",outcome=\"success\"} 41", body, StringComparison.Ordinal);
        OpenMetricsCheck.AssertValid(body);
    }

    [Fact]
    public void The_structure_check_rejects_what_OpenMetrics_forbids()
    {
        Assert.NotEmpty(OpenMetricsCheck.Problems("# TYPE x gauge\nx 1\n"));
        Assert.NotEmpty(OpenMetricsCheck.Problems("# TYPE x_total counter\nx_total 1\n# EOF\n"));
        Assert.NotEmpty(OpenMetricsCheck.Problems("# TYPE x gauge\nx 1\n\n# EOF\n"));
        Assert.NotEmpty(OpenMetricsCheck.Problems("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n# EOF\n"));
        Assert.NotEmpty(OpenMetricsCheck.Problems("# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\n# TYPE x gauge\nx{a=\"b\"} 1\n# EOF\n"));
        Assert.Empty(OpenMetricsCheck.Problems("# TYPE x counter\nx_total{a=\"b\\\"\"} 1.0\n# EOF\n"));
    }

    [Theory]
    [InlineData("x  1")]
    [InlineData("x\t1")]
    [InlineData("x{a=\"b\", c=\"d\"} 1")]
    [InlineData("x{a=\"b\"} 1 ")]
    [InlineData("x{a=\"\\q\"} 1")]
    public void The_structure_check_rejects_sample_lines_OpenMetrics_forbids(string line)
    {
        Assert.Empty(OpenMetricsCheck.Problems("# TYPE x gauge\nx{a=\"two  spaces\"} 1 1700000000\n# EOF\n"));
        Assert.Contains(OpenMetricsCheck.Problems($"# TYPE x gauge\n{line}\n# EOF\n"), p => p.Contains("not a sample line", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Promtool_rejects_a_broken_exposition_so_the_check_can_fail()
    {
        // Two TYPE lines for one family and an unterminated label value.
        var (exitCode, output) = await Promtool.CheckMetricsAsync("# TYPE x gauge\n# TYPE x gauge\nx{a=\"1} 1\n");

        Assert.NotEqual(0, exitCode);
        Assert.NotEmpty(output.Trim());
    }
}
