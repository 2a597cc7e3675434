using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Health;
using ModelOperator.Operator.Tests.Support;

namespace ModelOperator.Operator.Tests.Analysis;

/// <summary>The direct provider's window arithmetic over remembered scrapes, and its HTTP path against a real server.</summary>
public sealed class DirectAnalysisProviderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>A model server exposition: <paramref name="ok"/> successes, <paramref name="failed"/> errors, all answered within 50ms.</summary>
    internal static string Exposition(double ok, double failed) => string.Create(CultureInfo.InvariantCulture, $$"""
        # TYPE modelserver_requests_total counter
        modelserver_requests_total{model="churn",outcome="success"} {{ok}}
        modelserver_requests_total{model="churn",outcome="error"} {{failed}}
        # TYPE modelserver_request_duration_seconds histogram
        modelserver_request_duration_seconds_bucket{le="0.05"} {{ok + failed}}
        modelserver_request_duration_seconds_bucket{le="0.5"} {{ok + failed}}
        modelserver_request_duration_seconds_bucket{le="+Inf"} {{ok + failed}}
        modelserver_request_duration_seconds_count {{ok + failed}}

        """);

    internal static Pod Pod(string name, bool ready = true, string ip = "10.0.0.7") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "ml", Uid = "uid-" + name },
        Status = new PodStatus
        {
            PodIP = ip,
            StartTime = T0 - TimeSpan.FromHours(1),
            Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    private static AnalysisRequest Request(DateTimeOffset now, params Pod[] canary) =>
        new(new ObjectKey("ml", "churn"), new AnalysisSpec { MaxErrorRate = 0.05 }, "churn-canary", "churn-stable", canary, [], Window, now);

    /// <summary>Answers each pod's <c>/metrics</c> from a settable body, or fails like an unreachable pod.</summary>
    private sealed class CannedPods : IPodScraper
    {
        public Dictionary<string, (int Status, string Body)> Answers { get; } = new(StringComparer.Ordinal);

        public List<string> Asked { get; } = [];

        public Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken)
        {
            Asked.Add(pod.Metadata.Name!);
            return Answers.TryGetValue(pod.Metadata.Name!, out var answer)
                ? Task.FromResult(answer)
                : throw new HttpRequestException($"connection refused ({pod.Status!.PodIP})");
        }
    }

    [Fact]
    public async Task Each_window_counts_against_the_newest_scrape_at_least_one_window_old()
    {
        var pods = new CannedPods();
        var provider = new DirectAnalysisProvider(pods, NullLogger<DirectAnalysisProvider>.Instance);
        var pod = Pod("churn-canary-0");

        // first look: no scrape kept, the pod's counters started with it: its lifetime counts
        pods.Answers[pod.Metadata.Name!] = (200, Exposition(1000, 0));
        var first = await provider.MeasureAsync(Request(T0, pod), CancellationToken.None);
        pods.Answers[pod.Metadata.Name!] = (200, Exposition(1090, 10));
        var second = await provider.MeasureAsync(Request(T0 + Window, pod), CancellationToken.None);
        pods.Answers[pod.Metadata.Name!] = (200, Exposition(1190, 10));
        var third = await provider.MeasureAsync(Request(T0 + TimeSpan.FromSeconds(45), pod), CancellationToken.None);
        pods.Answers[pod.Metadata.Name!] = (200, Exposition(1290, 30));
        var fourth = await provider.MeasureAsync(Request(T0 + TimeSpan.FromSeconds(60), pod), CancellationToken.None);

        Assert.Equal((0.0, 1000L), (first.ErrorRate!.Value, first.ErrorRate.Samples));
        Assert.Equal((10.0 / 100, 100L), (second.ErrorRate!.Value, second.ErrorRate.Samples)); // against T0
        Assert.Equal((10.0 / 200, 200L), (third.ErrorRate!.Value, third.ErrorRate.Samples)); // T0+30s is too recent: against T0
        Assert.Equal((20.0 / 220, 220L), (fourth.ErrorRate!.Value, fourth.ErrorRate.Samples)); // against T0+30s
        Assert.InRange(fourth.P99Latency!.Value, 0.0, 0.05);
        Assert.Equal("churn-canary", fourth.Revision);
        Assert.Equal(T0 + TimeSpan.FromSeconds(60), fourth.MeasuredAt);
    }

    [Fact]
    public async Task A_counter_that_went_down_is_a_restarted_server_whose_new_counts_count_whole()
    {
        var pods = new CannedPods();
        var provider = new DirectAnalysisProvider(pods, NullLogger<DirectAnalysisProvider>.Instance);
        var pod = Pod("churn-canary-0");
        pods.Answers[pod.Metadata.Name!] = (200, Exposition(5000, 0));
        await provider.MeasureAsync(Request(T0, pod), CancellationToken.None);

        pods.Answers[pod.Metadata.Name!] = (200, Exposition(38, 2));
        var after = await provider.MeasureAsync(Request(T0 + Window, pod), CancellationToken.None);

        Assert.Equal((2.0 / 40, 40L), (after.ErrorRate!.Value, after.ErrorRate.Samples));
    }

    [Fact]
    public async Task Ready_pods_are_summed_and_not_ready_pods_are_not_scraped()
    {
        var pods = new CannedPods();
        var provider = new DirectAnalysisProvider(pods, NullLogger<DirectAnalysisProvider>.Instance);
        var a = Pod("churn-canary-a");
        var b = Pod("churn-canary-b");
        var starting = Pod("churn-canary-c", ready: false);
        pods.Answers[a.Metadata.Name!] = (200, Exposition(90, 10));
        pods.Answers[b.Metadata.Name!] = (200, Exposition(300, 0));
        pods.Answers[starting.Metadata.Name!] = (200, Exposition(0, 1000));

        var result = await provider.MeasureAsync(Request(T0, a, b, starting), CancellationToken.None);

        Assert.Equal((10.0 / 400, 400L), (result.ErrorRate!.Value, result.ErrorRate.Samples));
        Assert.DoesNotContain(starting.Metadata.Name!, pods.Asked);
    }

    [Fact]
    public async Task Pods_that_cannot_be_read_give_an_error_measurement_and_one_readable_pod_gives_data()
    {
        var pods = new CannedPods();
        var provider = new DirectAnalysisProvider(pods, NullLogger<DirectAnalysisProvider>.Instance);
        var broken = Pod("churn-canary-a");
        var gone = Pod("churn-canary-b");
        pods.Answers[broken.Metadata.Name!] = (500, "internal error");

        var none = await provider.MeasureAsync(Request(T0, broken, gone), CancellationToken.None);
        var noPods = await provider.MeasureAsync(Request(T0, Pod("churn-canary-x", ready: false)), CancellationToken.None);
        pods.Answers[gone.Metadata.Name!] = (200, Exposition(50, 50));
        var one = await provider.MeasureAsync(Request(T0 + Window, broken, gone), CancellationToken.None);

        Assert.True(double.IsNaN(none.ErrorRate!.Value));
        Assert.Contains("answered /metrics with HTTP 500", none.ErrorRate.Error, StringComparison.Ordinal);
        Assert.Equal(none.ErrorRate.Error, none.P99Latency!.Error);
        Assert.Null(noPods.ErrorRate!.Error); // nothing to read is no data, not an error
        Assert.Equal(0, noPods.ErrorRate.Samples);
        Assert.Equal((0.5, 100L), (one.ErrorRate!.Value, one.ErrorRate.Samples));
    }

    [Fact]
    public async Task Over_http_it_scrapes_the_pods_metrics_endpoint()
    {
        var exposition = Exposition(970, 30);
        await using var server = await FakeHttpServer.StartAsync(r => r.Path == "/metrics" ? (200, "text/plain; version=0.0.4", exposition) : (404, "text/plain", "not found"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var provider = new DirectAnalysisProvider(new HttpPodScraper(http, server.Port, TimeSpan.FromSeconds(5)), NullLogger<DirectAnalysisProvider>.Instance);

        var result = await provider.MeasureAsync(Request(T0, Pod("churn-canary-0", ip: "127.0.0.1")), CancellationToken.None);

        Assert.Equal((0.03, 1000L), (result.ErrorRate!.Value, result.ErrorRate.Samples));
        Assert.Equal(["/metrics"], server.Requests);
    }

    [Fact]
    public async Task With_a_port_annotation_configured_a_pod_that_carries_it_is_read_on_that_port()
    {
        await using var server = await FakeHttpServer.StartAsync(r => r.Path == "/metrics" ? (200, "text/plain; version=0.0.4", Exposition(99, 1)) : (404, "text/plain", "not found"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        const string annotation = "modeloperator.io/sandbox-port";
        var scraper = new HttpPodScraper(http, port: 1, TimeSpan.FromSeconds(5), annotation);
        var annotated = Pod("churn-canary-0", ip: "127.0.0.1") with { Metadata = new ObjectMeta { Name = "churn-canary-0", Namespace = "ml", Annotations = new Dictionary<string, string> { [annotation] = server.Port.ToString(CultureInfo.InvariantCulture) } } };
        var bogus = annotated with { Metadata = annotated.Metadata with { Annotations = new Dictionary<string, string> { [annotation] = "99999" } } };

        var result = await new DirectAnalysisProvider(scraper, NullLogger<DirectAnalysisProvider>.Instance).MeasureAsync(Request(T0, annotated), CancellationToken.None);

        Assert.Equal((0.01, 100L), (result.ErrorRate!.Value, result.ErrorRate.Samples));
        Assert.Equal(1, scraper.PortOf(bogus)); // out of range: the fixed port
        Assert.Equal(1, new HttpPodScraper(http, 1, TimeSpan.FromSeconds(5)).PortOf(annotated)); // not configured: the annotation means nothing
    }

    [Fact]
    public async Task Over_http_the_ready_endpoint_says_why_a_model_is_not_ready_and_a_closed_port_is_unknown()
    {
        const string notReady = """{"ready":false,"reason":"ChecksumMismatch","message":"sha256 of model.onnx is 0f1e…, expected ab12…"}""";
        await using var server = await FakeHttpServer.StartAsync(r => r.Path == HttpModelReadinessProbe.Path ? (503, "application/json", notReady) : (404, "text/plain", "not found"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        var probe = new HttpModelReadinessProbe(new HttpPodScraper(http, server.Port, TimeSpan.FromSeconds(5)), NullLogger<HttpModelReadinessProbe>.Instance);
        int closedPort;
        await using (var closed = await FakeHttpServer.StartAsync(_ => (200, "text/plain", string.Empty)))
        {
            closedPort = closed.Port;
        }

        var closedProbe = new HttpModelReadinessProbe(new HttpPodScraper(http, closedPort, TimeSpan.FromSeconds(5)), NullLogger<HttpModelReadinessProbe>.Instance);

        var answer = await probe.ProbeAsync(Pod("churn-canary-0", ip: "127.0.0.1"), CancellationToken.None);
        var noIp = await probe.ProbeAsync(Pod("churn-canary-1", ip: string.Empty), CancellationToken.None);
        var refused = await closedProbe.ProbeAsync(Pod("churn-canary-0", ip: "127.0.0.1"), CancellationToken.None);

        Assert.Equal(new ModelReadiness(false, "ChecksumMismatch", "sha256 of model.onnx is 0f1e…, expected ab12…"), answer);
        Assert.Null(noIp);
        Assert.Null(refused);
    }
}
