using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Support;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Tests.Analysis;

/// <summary>The stable revision's drift read from pods' expositions and from Prometheus.</summary>
public sealed class StableDriftSourceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ObjectKey Key = new("ml", "churn");

    /// <summary>Answers each pod's <c>/metrics</c> with the body named after it; a pod without one refuses the connection.</summary>
    private sealed class Expositions(IReadOnlyDictionary<string, string> bodies) : IPodScraper
    {
        public Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken) =>
            bodies.TryGetValue(pod.Metadata.Name!, out var body) ? Task.FromResult((200, body)) : throw new HttpRequestException($"{pod.Metadata.Name}: connection refused");
    }

    private static Pod Pod(string name) => new() { Metadata = new ObjectMeta { Name = name, Namespace = "ml" } };

    // Each feature's own start is exported only while it drifts on that pod; the whole model's episode start (another
    // series may have begun it earlier) is there too, to show it is not what a feature's since is read from.
    private static string Exposition(double tenure, double plan, double rows, long? tenureSince, long? planSince = null) =>
        FormattableString.Invariant($$"""
        # TYPE modelserver_drift_psi gauge
        modelserver_drift_psi{model="churn",version="1",series="feature",name="tenure"} {{tenure}}
        modelserver_drift_psi{model="churn",version="1",series="feature",name="plan"} {{plan}}
        modelserver_drift_psi{model="churn",version="1",series="feature",name="region"} NaN
        modelserver_drift_psi{model="churn",version="1",series="output",name="churn"} 0.9
        modelserver_drift_series_detected_timestamp_seconds{model="churn",version="1",series="output",name="churn"} 1000
        modelserver_drift_window_rows{model="churn",version="1"} {{rows}}
        modelserver_drift_detected{model="churn",version="1"} 1
        modelserver_drift_detected_timestamp_seconds{model="churn",version="1"} 1000

        """)
        + (tenureSince is { } t ? FormattableString.Invariant($"modelserver_drift_series_detected_timestamp_seconds{{model=\"churn\",version=\"1\",series=\"feature\",name=\"tenure\"}} {t}\n") : string.Empty)
        + (planSince is { } p ? FormattableString.Invariant($"modelserver_drift_series_detected_timestamp_seconds{{model=\"churn\",version=\"1\",series=\"feature\",name=\"plan\"}} {p}\n") : string.Empty);

    private static StableDriftSource Source(IPodScraper scraper, OutboundHttp http, params string[] allowed) =>
        new(scraper, new PrometheusAnalysisProvider(http, allowed, NullLogger<PrometheusAnalysisProvider>.Instance), NullLogger<StableDriftSource>.Instance);

    [Fact]
    public async Task Pods_give_every_feature_score_with_their_rows_and_each_features_own_start()
    {
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var scraper = new Expositions(new Dictionary<string, string>
        {
            ["churn-a-1"] = Exposition(0.41, 0.02, 300, Now.AddMinutes(-3).ToUnixTimeSeconds()),
            ["churn-a-2"] = Exposition(0.38, 0.31, 280, Now.AddMinutes(-2).ToUnixTimeSeconds(), Now.AddSeconds(-20).ToUnixTimeSeconds()),
            ["churn-a-3"] = Exposition(0.10, 0.01, 100, null),
        });

        var observed = await Source(scraper, http).ObserveAsync(Key, null, "churn-a", [Pod("churn-a-1"), Pod("churn-a-2"), Pod("churn-a-3"), Pod("churn-a-4")], Now, CancellationToken.None);

        Assert.Null(observed.Error);
        Assert.Equal(680, observed.Rows);
        Assert.Equal(6, observed.Features.Count); // tenure and plan per readable pod; NaN and outputs left out
        Assert.Contains(observed.Features, f => f == new FeatureDriftReading("tenure", 0.41, 300, Now.AddMinutes(-3)));
        Assert.Contains(observed.Features, f => f == new FeatureDriftReading("plan", 0.31, 280, Now.AddSeconds(-20)));
        Assert.Contains(observed.Features, f => f == new FeatureDriftReading("tenure", 0.10, 100, null));
        Assert.DoesNotContain(observed.Features, f => f.Name is "region" or "churn");
    }

    [Fact]
    public async Task No_readable_pod_is_an_error_that_names_the_pod()
    {
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);

        var observed = await Source(new Expositions(new Dictionary<string, string>()), http).ObserveAsync(Key, null, "churn-a", [Pod("churn-a-1")], Now, CancellationToken.None);

        Assert.Equal("pod churn-a-1: churn-a-1: connection refused", observed.Error);
    }

    [Fact]
    public async Task Prometheus_is_asked_once_for_the_same_families_over_the_revisions_pods()
    {
        const string Answer = """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"__name__":"modelserver_drift_psi","pod":"churn-a-1","series":"feature","name":"tenure"},"value":[1772366400,"0.41"]},
              {"metric":{"__name__":"modelserver_drift_psi","pod":"churn-a-2","series":"feature","name":"tenure"},"value":[1772366400,"0.2"]},
              {"metric":{"__name__":"modelserver_drift_window_rows","pod":"churn-a-1"},"value":[1772366400,"300"]},
              {"metric":{"__name__":"modelserver_drift_window_rows","pod":"churn-a-2"},"value":[1772366400,"200"]},
              {"metric":{"__name__":"modelserver_drift_series_detected_timestamp_seconds","pod":"churn-a-1","series":"feature","name":"tenure"},"value":[1772366400,"1772366280"]},
              {"metric":{"__name__":"modelserver_drift_series_detected_timestamp_seconds","pod":"churn-a-2","series":"feature","name":"tenure"},"value":[1772366400,"1772366340"]}
            ]}}
            """;
        await using var prometheus = await FakeHttpServer.StartAsync(_ => (200, "application/json", Answer));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var spec = new AnalysisSpec { Provider = new AnalysisProvider { Prometheus = new PrometheusProvider { Address = prometheus.BaseUrl.ToString() } } };

        var observed = await Source(new Expositions(new Dictionary<string, string>()), http, prometheus.BaseUrl.ToString()).ObserveAsync(Key, spec, "churn-a", [Pod("churn-a-1")], Now, CancellationToken.None);

        Assert.Null(observed.Error);
        Assert.Equal(500, observed.Rows);
        Assert.Equal(
            [new("tenure", 0.41, 300L, DateTimeOffset.FromUnixTimeSeconds(1772366280)), new FeatureDriftReading("tenure", 0.2, 200L, DateTimeOffset.FromUnixTimeSeconds(1772366340))],
            observed.Features);
        var query = Uri.UnescapeDataString(Assert.Single(prometheus.Requests));
        Assert.Contains("{__name__=~\"modelserver_drift_psi|modelserver_drift_window_rows|modelserver_drift_series_detected_timestamp_seconds\",namespace=\"ml\",pod=~\"churn-a-.*\"}", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prometheus_address_the_admin_does_not_allow_is_an_error_and_nothing_is_sent()
    {
        await using var prometheus = await FakeHttpServer.StartAsync(_ => (200, "application/json", "{}"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var spec = new AnalysisSpec { Provider = new AnalysisProvider { Prometheus = new PrometheusProvider { Address = prometheus.BaseUrl.ToString() } } };

        var observed = await Source(new Expositions(new Dictionary<string, string>()), http).ObserveAsync(Key, spec, "churn-a", [Pod("churn-a-1")], Now, CancellationToken.None);

        Assert.Contains("is not an address the cluster admin allows", observed.Error, StringComparison.Ordinal);
        Assert.Empty(prometheus.Requests);
    }
}
