using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Analysis.UserMetrics;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Support;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Tests.Analysis.UserMetrics;

/// <summary>User metrics against real HTTP servers on 127.0.0.1: queries with their placeholders filled, answers read, bounds kept.</summary>
public sealed class UserMetricSourceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Vector(params double[] values) =>
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + string.Join(",", values.Select((v, i) => $"{{\"metric\":{{\"i\":\"{i}\"}},\"value\":[1,\"{v.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"]}}")) + "]}}";

    private static AnalysisRequest Request(AnalysisSpec spec) =>
        new(new ObjectKey("ml", "churn"), spec, "churn-2b3c4d5e6f", "churn-1a2b3c4d5e", [], [], TimeSpan.FromSeconds(30), Now);

    private static UserMetricSource Source(OutboundHttp http, string[] prometheusAllowed, string[] webAllowed) =>
        new(http, new PrometheusAnalysisProvider(http, prometheusAllowed, NullLogger<PrometheusAnalysisProvider>.Instance), webAllowed, NullLogger<UserMetricSource>.Instance);

    [Fact]
    public async Task A_prometheus_metric_sends_its_query_with_the_placeholders_filled_and_counts_its_samples()
    {
        await using var prometheus = await FakeHttpServer.StartAsync(r => (200, "application/json",
            r.Query["query"].ToString().StartsWith("count", StringComparison.Ordinal) ? Vector(420) : Vector(0.97)));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var spec = new AnalysisSpec
        {
            Provider = new AnalysisProvider { Prometheus = new PrometheusProvider { Address = prometheus.BaseUrl.ToString() } },
            Metrics =
            [
                new AnalysisMetric
                {
                    Name = "conversion", Min = 0.95, MinSamples = 100,
                    Prometheus = new PrometheusMetricSource
                    {
                        Query = "kpi:conversion{namespace=\"{{namespace}}\",md=\"{{modelDeployment}}\",rev=\"{{revision}}\",base=\"{{baselineRevision}}\"}[{{window}}]",
                        SamplesQuery = "count(x[{{window}}])",
                    },
                },
            ],
        };

        var measured = await Source(http, [prometheus.BaseUrl.ToString()], []).MeasureAsync(Request(spec), CancellationToken.None);

        Assert.Equal(Measurement.Of(0.97, 420, TimeSpan.FromSeconds(30)), measured["conversion"]);
        var queries = prometheus.Requests.Select(r => Uri.UnescapeDataString(r)).ToList();
        Assert.Contains(queries, q => q.Contains("kpi:conversion{namespace=\"ml\",md=\"churn\",rev=\"churn-2b3c4d5e6f\",base=\"churn-1a2b3c4d5e\"}[30s]", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("count(x[30s])", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, double, string?> PrometheusAnswers => new()
    {
        // case, the answer, the value, the error
        { "one number", Vector(0.5), 0.5, null },
        { "an empty vector is no data", Vector(), double.NaN, null },
        { "NaN is no data", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"NaN\"]}]}}", double.NaN, null },
        { "several series", Vector(1, 2), double.NaN, "the query returned 2 series, not one number; aggregate it (e.g. with sum or max)" },
        { "not JSON", "<html>", double.NaN, "Prometheus answered HTTP 200 with a body that is not JSON" },
    };

    [Theory]
    [MemberData(nameof(PrometheusAnswers))]
    public async Task A_prometheus_answer_becomes_a_number_no_data_or_an_error(string name, string answer, double value, string? error)
    {
        await using var prometheus = await FakeHttpServer.StartAsync(_ => (200, "application/json", answer));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var spec = new AnalysisSpec { Metrics = [new AnalysisMetric { Name = "kpi", Max = 1, Prometheus = new PrometheusMetricSource { Query = "kpi", Address = prometheus.BaseUrl.ToString() } }] };

        var measured = (await Source(http, [prometheus.BaseUrl.ToString()], []).MeasureAsync(Request(spec), CancellationToken.None))["kpi"];

        Assert.True(value.Equals(measured.Value) && error == measured.Error, $"{name}: {measured}");
    }

    [Fact]
    public async Task A_prometheus_address_off_the_allowlist_is_an_error_and_nothing_is_sent()
    {
        await using var prometheus = await FakeHttpServer.StartAsync(_ => (200, "application/json", Vector(1)));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var spec = new AnalysisSpec { Metrics = [new AnalysisMetric { Name = "kpi", Max = 1, Prometheus = new PrometheusMetricSource { Query = "kpi", Address = prometheus.BaseUrl.ToString() } }] };

        var measured = (await Source(http, [], []).MeasureAsync(Request(spec), CancellationToken.None))["kpi"];

        Assert.Contains("PROMETHEUS_ALLOWED_ADDRESSES", measured.Error, StringComparison.Ordinal);
        Assert.Empty(prometheus.Requests);
    }

    [Fact]
    public async Task A_web_metric_reads_the_number_at_its_json_path()
    {
        await using var kpi = await FakeHttpServer.StartAsync(_ => (200, "application/json", "{\"data\":[{\"value\":\"0.93\"}]}"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var spec = new AnalysisSpec { Metrics = [new AnalysisMetric { Name = "kpi", Min = 0.9, Web = new WebMetricSource { Url = kpi.BaseUrl + "kpi?rev={{revision}}", JsonPath = "data.0.value" } }] };

        var measured = (await Source(http, [], [kpi.BaseUrl.ToString()]).MeasureAsync(Request(spec), CancellationToken.None))["kpi"];

        Assert.Equal(Measurement.Of(0.93, 0, TimeSpan.FromSeconds(30)), measured);
        Assert.Equal("/kpi?rev=churn-2b3c4d5e6f", Assert.Single(kpi.Requests));
    }

    [Fact]
    public async Task A_web_url_off_the_allowlist_is_an_error_and_nothing_is_sent()
    {
        await using var kpi = await FakeHttpServer.StartAsync(_ => (200, "application/json", "{\"v\":1}"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var spec = new AnalysisSpec { Metrics = [new AnalysisMetric { Name = "kpi", Max = 2, Web = new WebMetricSource { Url = kpi.BaseUrl + "kpi", JsonPath = "v" } }] };

        var measured = (await Source(http, [], []).MeasureAsync(Request(spec), CancellationToken.None))["kpi"];

        Assert.Contains("ANALYSIS_WEB_ALLOWED_PREFIXES", measured.Error, StringComparison.Ordinal);
        Assert.Contains("none is allowed", measured.Error, StringComparison.Ordinal);
        Assert.Empty(kpi.Requests);
    }

    [Theory]
    [InlineData(500, "{\"v\":1}", "answered HTTP 500")]
    [InlineData(302, "", "redirect")]
    [InlineData(200, "{\"w\":1}", "the answer has nothing at v")]
    [InlineData(200, "{\"v\":true}", "the answer has no number at v")]
    public async Task A_web_answer_that_is_not_a_number_is_an_error(int status, string body, string error)
    {
        await using var kpi = await FakeHttpServer.StartAsync(_ => (status, "application/json", body));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var spec = new AnalysisSpec { Metrics = [new AnalysisMetric { Name = "kpi", Max = 2, Web = new WebMetricSource { Url = kpi.BaseUrl + "kpi", JsonPath = "v" } }] };

        var measured = (await Source(http, [], [kpi.BaseUrl.ToString()]).MeasureAsync(Request(spec), CancellationToken.None))["kpi"];

        Assert.Contains(error, measured.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_built_in_provider_and_the_user_metrics_answer_in_one_result()
    {
        await using var kpi = await FakeHttpServer.StartAsync(_ => (200, "application/json", "{\"v\":null}"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var spec = new AnalysisSpec { MaxErrorRate = 0.1, Metrics = [new AnalysisMetric { Name = "kpi", Max = 2, Web = new WebMetricSource { Url = kpi.BaseUrl + "kpi", JsonPath = "v" } }] };
        var provider = new WithUserMetrics(new Fixed(), Source(http, [], [kpi.BaseUrl.ToString()]));

        var result = await provider.MeasureAsync(Request(spec), CancellationToken.None);

        Assert.Equal(0.01, result.ErrorRate!.Value);
        Assert.True(double.IsNaN(result.Metrics!["kpi"].Value)); // JSON null: no data, judged inconclusive
        Assert.Null(result.Metrics["kpi"].Error);
    }

    private sealed class Fixed : IAnalysisProvider
    {
        public Task<AnalysisResult> MeasureAsync(AnalysisRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new AnalysisResult { Revision = request.CanaryRevision, MeasuredAt = request.Now, ErrorRate = Measurement.Of(0.01, 500, request.Window) });
    }
}
