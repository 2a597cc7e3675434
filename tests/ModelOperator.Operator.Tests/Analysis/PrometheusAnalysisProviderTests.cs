using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Support;

namespace ModelOperator.Operator.Tests.Analysis;

/// <summary>The Prometheus provider against a real HTTP server answering canned <c>/api/v1/query</c> JSON.</summary>
public sealed class PrometheusAnalysisProviderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private static string Vector(params (string Labels, double Value)[] samples) =>
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + string.Join(',', samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{{\"metric\":{{{s.Labels}}},\"value\":[{Now.ToUnixTimeSeconds()},\"{s.Value}\"]}}")))
        + "]}}";

    /// <summary>Prediction buckets (cumulative) of one output over bins [0,0.25,0.5,0.75,1].</summary>
    private static string Buckets(params double[] cumulative) =>
        Vector(new[] { "0.25", "0.5", "0.75", "1", "+Inf" }.Select((le, i) => ($"\"output\":\"p\",\"le\":\"{le}\"", cumulative[Math.Min(i, cumulative.Length - 1)])).ToArray());

    /// <summary>A Prometheus that knows a canary with 1000 requests (25 failed), p99 120ms, feature PSI 0.31 over 800 rows.</summary>
    private static (int, string, string) Answer(HttpRequest request)
    {
        if (request.Path != "/api/v1/query")
        {
            return (404, "text/plain", "404 page not found");
        }

        string query = request.Query["query"]!;
        string body;
        if (query.Contains("outcome!~", StringComparison.Ordinal))
        {
            body = Vector(("", 25));
        }
        else if (query.StartsWith("histogram_quantile", StringComparison.Ordinal))
        {
            body = Vector(("", 0.12));
        }
        else if (query.Contains("modelserver_requests_total", StringComparison.Ordinal))
        {
            body = Vector(("", 1000));
        }
        else if (query.Contains("modelserver_prediction_value_bucket", StringComparison.Ordinal))
        {
            body = query.Contains("churn-canary-", StringComparison.Ordinal) ? Buckets(10, 20, 100, 900, 1000) : Buckets(250, 500, 750, 1000, 1000);
        }
        else if (query.Contains("modelserver_drift_psi", StringComparison.Ordinal))
        {
            body = Vector(("", 0.31));
        }
        else if (query.Contains("modelserver_drift_window_rows", StringComparison.Ordinal))
        {
            body = Vector(("", 800)); // sum(...) answers one series
        }
        else if (query.Contains("modelserver_drift_", StringComparison.Ordinal))
        {
            body = Vector(); // a server without per-bin families: feature drift falls back to the worst pod's PSI
        }
        else
        {
            return (400, "application/json", "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"unexpected query\"}");
        }

        return (200, "application/json", body);
    }

    private static AnalysisRequest Request(string address, double? maxPredictionDrift = 0.2) => new(
        new ObjectKey("ml", "churn"),
        new AnalysisSpec { MaxErrorRate = 0.05, MaxPredictionDrift = maxPredictionDrift, Provider = new AnalysisProvider { Prometheus = new PrometheusProvider { Address = address } } },
        "churn-canary", "churn-stable", [], [], Window, Now);

    private static PrometheusAnalysisProvider Provider(OutboundHttp http, params string[] allowed) => new(http, allowed, NullLogger<PrometheusAnalysisProvider>.Instance);

    private static OutboundHttp Http() => new(new OperatorOptions(), TimeProvider.System);

    [Fact]
    public async Task Measures_the_canary_from_instant_queries_over_its_pods()
    {
        await using var prometheus = await FakeHttpServer.StartAsync(Answer);
        using var http = Http();

        var result = await Provider(http, prometheus.BaseUrl.ToString()).MeasureAsync(Request(prometheus.BaseUrl.ToString()), CancellationToken.None);

        Assert.Equal((0.025, 1000L, (string?)null), (result.ErrorRate!.Value, result.ErrorRate.Samples, result.ErrorRate.Error));
        Assert.Equal((0.12, 1000L), (result.P99Latency!.Value, result.P99Latency.Samples));
        Assert.Equal((0.31, 800L), (result.FeatureDrift!.Value, result.FeatureDrift.Samples));
        Assert.Null(result.PredictionDrift!.Error);
        Assert.True(result.PredictionDrift.Value > 0.2, $"a canary predicting mostly 0.75-1 against a uniform stable drifts; PSI {result.PredictionDrift.Value}");
        Assert.Equal(Window, result.ErrorRate.Window);

        var queries = prometheus.Requests.Select(r => Uri.UnescapeDataString(r)).ToList();
        Assert.All(queries, q => Assert.Contains($"&time={Now.ToUnixTimeSeconds()}", q, StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("sum(increase(modelserver_requests_total{namespace=\"ml\",pod=~\"churn-canary-.*\"}[1m]))", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("pod=~\"churn-stable-.*\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_prediction_threshold_the_stable_is_not_queried()
    {
        await using var prometheus = await FakeHttpServer.StartAsync(Answer);
        using var http = Http();

        var result = await Provider(http, prometheus.BaseUrl.ToString()).MeasureAsync(Request(prometheus.BaseUrl.ToString(), maxPredictionDrift: null), CancellationToken.None);

        Assert.True(double.IsNaN(result.PredictionDrift!.Value));
        Assert.DoesNotContain(prometheus.Requests, r => Uri.UnescapeDataString(r).Contains("churn-stable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_query_error_becomes_an_error_measurement_that_names_the_status_but_does_not_repeat_prometheus_text()
    {
        await using var prometheus = await FakeHttpServer.StartAsync(_ =>
            (400, "application/json", "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error at char 12: unexpected identifier\"}"));
        using var http = Http();

        var result = await Provider(http, prometheus.BaseUrl.ToString()).MeasureAsync(Request(prometheus.BaseUrl.ToString()), CancellationToken.None);

        Assert.Equal("Prometheus answered HTTP 400 without status success (bad_data)", result.ErrorRate!.Error);
        Assert.NotNull(result.P99Latency!.Error);
        Assert.NotNull(result.PredictionDrift!.Error);
        Assert.NotNull(result.FeatureDrift!.Error);
    }

    [Fact]
    public async Task No_series_is_no_data_not_an_error()
    {
        await using var prometheus = await FakeHttpServer.StartAsync(_ => (200, "application/json", Vector()));
        using var http = Http();

        var result = await Provider(http, prometheus.BaseUrl.ToString()).MeasureAsync(Request(prometheus.BaseUrl.ToString()), CancellationToken.None);

        Assert.Equal((0L, (string?)null), (result.ErrorRate!.Samples, result.ErrorRate.Error));
        Assert.True(double.IsNaN(result.ErrorRate.Value));
        Assert.True(double.IsNaN(result.FeatureDrift!.Value));
    }

    [Fact]
    public async Task An_unreachable_prometheus_or_a_bad_address_is_an_error_that_says_so()
    {
        string address;
        await using (var gone = await FakeHttpServer.StartAsync(Answer))
        {
            address = gone.BaseUrl.ToString();
        }

        using var http = Http();

        var unreachable = await Provider(http, address).MeasureAsync(Request(address), CancellationToken.None);
        var bad = await Provider(http, address).MeasureAsync(Request("prometheus:9090"), CancellationToken.None);

        Assert.StartsWith("Prometheus query failed", unreachable.ErrorRate!.Error, StringComparison.Ordinal);
        Assert.Equal("spec.rollout.analysis.provider.prometheus.address 'prometheus:9090' is not an http(s) URL", bad.ErrorRate!.Error);
        Assert.Equal(bad.ErrorRate.Error, bad.FeatureDrift!.Error);
    }

    [Fact]
    public async Task Feature_drift_and_data_quality_are_scored_on_the_revisions_pooled_bins()
    {
        // Given a Prometheus whose pods of the canary together counted contract 1 / 12 / 24 / unseen as 500 / 300 / 200 / 20
        const string contract = "\"name\":\"contract\"";
        await using var prometheus = await FakeHttpServer.StartAsync(request =>
        {
            string query = request.Query["query"]!;
            var body = query.Contains("modelserver_drift_window_bin_values", StringComparison.Ordinal)
                ? Vector(($"{contract},\"bin\":\"0\",\"range\":\"= 1\"", 500), ($"{contract},\"bin\":\"1\",\"range\":\"= 12\"", 300),
                    ($"{contract},\"bin\":\"2\",\"range\":\"= 24\"", 200), ($"{contract},\"bin\":\"3\",\"range\":\"unseen\"", 20))
                : query.Contains("modelserver_drift_reference_bin_proportion", StringComparison.Ordinal)
                ? Vector(($"{contract},\"bin\":\"0\",\"range\":\"= 1\"", 0.5), ($"{contract},\"bin\":\"1\",\"range\":\"= 12\"", 0.3),
                    ($"{contract},\"bin\":\"2\",\"range\":\"= 24\"", 0.2), ($"{contract},\"bin\":\"3\",\"range\":\"unseen\"", 0))
                : query.StartsWith("sum by (__name__, name)", StringComparison.Ordinal)
                ? Vector(($"\"__name__\":\"modelserver_drift_window_unseen_category_values\",{contract}", 20), ($"\"__name__\":\"modelserver_drift_window_samples\",{contract}", 1020))
                : query.Contains("modelserver_drift_psi", StringComparison.Ordinal) ? Vector(("", 3.5)) // the worst pod alone
                : Vector();
            return (200, "application/json", body);
        });
        using var http = Http();

        // When the canary is measured
        var result = await Provider(http, prometheus.BaseUrl.ToString()).MeasureAsync(Request(prometheus.BaseUrl.ToString()), CancellationToken.None);

        // Then score and samples rest on the pooled 1020 values, and the column is named with its unseen share
        var pooled = ModelOperator.Statistics.DriftStatistics.PopulationStabilityIndex([0.5, 0.3, 0.2, 0], [500, 300, 200, 20]);
        Assert.Equal((pooled, 1020L), (result.FeatureDrift!.Value, result.FeatureDrift.Samples));
        Assert.Equal("contract", Assert.Single(result.FeatureDrift.Causes!).Name);
        Assert.Equal(20.0 / 1020, result.UnseenCategoryShare!.Value, 12);
        var queries = prometheus.Requests.Select(r => Uri.UnescapeDataString(r)).ToList();
        Assert.Contains(queries, q => q.Contains("sum by (name, bin, range) (modelserver_drift_window_bin_values{namespace=\"ml\",pod=~\"churn-canary-.*\",series=\"feature\"})", StringComparison.Ordinal));
    }
}
