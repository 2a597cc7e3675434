using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Metrics;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Health;
using ModelOperator.Operator.Load;
using ModelOperator.Operator.Tests.Support;

namespace ModelOperator.Operator.Tests.Analysis;

/// <summary>
/// Garbage, truncated, huge-number, NaN/Inf and wrong-type answers from Prometheus, a pod's /metrics and its ready
/// endpoint: each becomes an error with a reason, no data or a judged number, never an exception out of a provider.
/// </summary>
public sealed class RemoteAnswerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string DeepJson = new string('[', 10_000) + new string(']', 10_000);

    private static Pod Pod(string name) => DirectAnalysisProviderTests.Pod(name);

    private sealed class Answering(int status, string body) : IPodScraper
    {
        public Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken) => Task.FromResult((status, body));
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "Prometheus answered HTTP 200 with a body that is not JSON")]
    [InlineData("", "Prometheus answered HTTP 200 with a body that is not JSON")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{}", "Prometheus answered HTTP 200 with a body that is not JSON")]
    [InlineData("[1,2,3]", "Prometheus answered HTTP 200 with JSON that is not an object")]
    [InlineData("{\"status\":1}", "Prometheus answered HTTP 200 without status success")]
    [InlineData("{\"status\":\"error\",\"errorType\":\"<script>\",\"error\":\"token=abc\"}", "Prometheus answered HTTP 200 without status success")]
    [InlineData("{\"status\":\"success\",\"data\":[]}", "Prometheus answered HTTP 200 without a data.result array")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":{}}}", "Prometheus answered HTTP 200 without a data.result array")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[5]}}", "Prometheus returned a vector element without a readable value")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"value\":\"7\"}]}}", "Prometheus returned a vector element without a readable value")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"value\":[1,7]}]}}", "Prometheus returned a vector element without a readable value")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"value\":[1,\"seven\"]}]}}", "Prometheus returned a vector element without a readable value")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1]}}", "Prometheus returned an unreadable scalar")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", "Prometheus returned a result that is not a vector or scalar")]
    public void A_prometheus_answer_that_is_not_a_vector_is_an_error_in_our_words(string body, string error) =>
        Assert.Equal(((IReadOnlyList<MetricSample>)[], error), PrometheusAnalysisProvider.ParseVector(body, 200));

    [Fact]
    public void Prometheus_json_nested_past_any_sense_is_not_json() =>
        Assert.Equal("Prometheus answered HTTP 200 with a body that is not JSON", PrometheusAnalysisProvider.ParseVector(DeepJson, 200).Error);

    [Theory]
    [InlineData("1e400", double.PositiveInfinity)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("NaN", double.NaN)]
    public void Huge_and_special_numbers_are_numbers_for_the_evaluator_to_judge(string value, double expected)
    {
        var (samples, error) = PrometheusAnalysisProvider.ParseVector(
            $"{{\"status\":\"success\",\"data\":{{\"resultType\":\"vector\",\"result\":[{{\"metric\":{{\"le\":5,\"output\":\"p\"}},\"value\":[1,\"{value}\"]}}]}}}}", 200);

        Assert.Null(error);
        Assert.Equal(expected, Assert.Single(samples).Value);
        Assert.Equal(string.Empty, samples[0].Label("le")); // a label that is not a string is left out, not an exception
    }

    [Fact]
    public async Task A_prometheus_answering_infinite_and_repeated_buckets_gives_measurements_not_exceptions()
    {
        const string answer = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + "{\"metric\":{\"output\":\"p\",\"le\":\"1\"},\"value\":[1,\"+Inf\"]},{\"metric\":{\"output\":\"p\",\"le\":\"1\"},\"value\":[1,\"5\"]},"
            + "{\"metric\":{\"output\":\"p\",\"le\":\"NaN\"},\"value\":[1,\"NaN\"]}]}}";
        await using var prometheus = await FakeHttpServer.StartAsync(_ => (200, "application/json", answer));
        using var http = new Operator.Http.OutboundHttp(new Operator.Settings.OperatorOptions(), TimeProvider.System);
        var provider = new PrometheusAnalysisProvider(http, [prometheus.BaseUrl.ToString()], NullLogger<PrometheusAnalysisProvider>.Instance);

        var result = await provider.MeasureAsync(new AnalysisRequest(new ObjectKey("ml", "churn"),
            new AnalysisSpec { MaxErrorRate = 0.05, MaxPredictionDrift = 0.2, Provider = new AnalysisProvider { Prometheus = new PrometheusProvider { Address = prometheus.BaseUrl.ToString() } } },
            "churn-canary", "churn-stable", [], [], TimeSpan.FromMinutes(1), Now), CancellationToken.None);

        Assert.Null(result.ErrorRate!.Error);
        Assert.Null(result.PredictionDrift!.Error);
    }

    [Theory]
    [InlineData("\u0001\u0002\u0003 binary", "pod churn-canary-0 answered /metrics with 1 lines and none in the Prometheus text format")]
    [InlineData("<html>\n<body>hello</body>\n</html>", "pod churn-canary-0 answered /metrics with 3 lines and none in the Prometheus text format")]
    [InlineData("modelserver_requests_total{outcome=\"succ", "pod churn-canary-0 answered /metrics with 1 lines and none in the Prometheus text format")]
    [InlineData("modelserver_requests_total{outcome=\"success\"} many", "pod churn-canary-0 answered /metrics with 1 lines and none in the Prometheus text format")]
    public async Task A_metrics_answer_with_nothing_readable_is_an_error_naming_the_pod(string body, string error)
    {
        var provider = new DirectAnalysisProvider(new Answering(200, body), NullLogger<DirectAnalysisProvider>.Instance);

        var result = await provider.MeasureAsync(new AnalysisRequest(new ObjectKey("ml", "churn"), new AnalysisSpec { MaxErrorRate = 0.05 },
            "churn-canary", null, [Pod("churn-canary-0")], [], TimeSpan.FromSeconds(30), Now), CancellationToken.None);

        Assert.Equal(error, result.ErrorRate!.Error);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("+Inf")]
    [InlineData("NaN")]
    public async Task Huge_and_special_counter_values_are_measured_not_thrown(string value)
    {
        var body = $"modelserver_requests_total{{outcome=\"success\"}} {value}\nmodelserver_requests_total{{outcome=\"error\"}} {value}\n"
            + $"modelserver_request_duration_seconds_bucket{{le=\"0.1\"}} {value}\nmodelserver_request_duration_seconds_bucket{{le=\"+Inf\"}} {value}\n";
        var provider = new DirectAnalysisProvider(new Answering(200, body), NullLogger<DirectAnalysisProvider>.Instance);
        var load = new DirectLoadSource(new Answering(200, body), NullLogger<DirectLoadSource>.Instance);

        var result = await provider.MeasureAsync(new AnalysisRequest(new ObjectKey("ml", "churn"), new AnalysisSpec { MaxErrorRate = 0.05 },
            "churn-canary", null, [Pod("churn-canary-0")], [], TimeSpan.FromSeconds(30), Now), CancellationToken.None);
        var observed = await load.ObserveAsync("churn-canary", [Pod("churn-canary-0")], Now, CancellationToken.None);

        Assert.Null(result.ErrorRate!.Error);
        Assert.True(double.IsNaN(observed.Throughput)); // a first look has no rate yet
    }

    [Fact]
    public async Task The_load_source_leaves_out_a_pod_whose_metrics_are_garbage()
    {
        var load = new DirectLoadSource(new Answering(200, "garbage\n\u0000"), NullLogger<DirectLoadSource>.Instance);

        var observed = await load.ObserveAsync("churn-canary", [Pod("churn-canary-0")], Now, CancellationToken.None);

        Assert.True(double.IsNaN(observed.InFlight) && double.IsNaN(observed.Throughput));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"ready\":false,\"reason\":\"Loading")]
    [InlineData("[]")]
    [InlineData("{\"ready\":false,\"reason\":5}")]
    [InlineData("{\"ready\":false,\"reason\":\"Checksum Mismatch\"}")]
    [InlineData("{\"ready\":false,\"reason\":\"loading\"}")]
    [InlineData("{\"ready\":false,\"reason\":\"Loading\\u0000<script>\"}")]
    public void A_ready_answer_that_is_not_a_reason_word_is_unknown(string body) => Assert.Null(HttpModelReadinessProbe.Parse(503, body));

    [Fact]
    public void A_ready_answer_nested_past_any_sense_or_with_a_huge_reason_is_unknown()
    {
        Assert.Null(HttpModelReadinessProbe.Parse(503, DeepJson));
        Assert.Null(HttpModelReadinessProbe.Parse(503, $"{{\"reason\":\"{new string('A', 65)}\"}}"));
    }

    [Fact]
    public void A_huge_ready_message_is_cut_to_the_limit()
    {
        var answer = HttpModelReadinessProbe.Parse(503, $"{{\"ready\":false,\"reason\":\"InvalidModel\",\"message\":\"{new string('m', 1 << 20)}\"}}");

        Assert.Equal("InvalidModel", answer!.Reason);
        Assert.Equal(HttpModelReadinessProbe.MaxMessageLength + 1, answer.Message!.Length);
        Assert.EndsWith("…", answer.Message, StringComparison.Ordinal);
    }
}
