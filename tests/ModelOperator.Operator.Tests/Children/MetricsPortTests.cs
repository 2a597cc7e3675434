using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Analysis;
using ModelOperator.Operator.Tests.Support;

namespace ModelOperator.Operator.Tests.Children;

/// <summary>MODELSERVER_METRICS_PORT: the pods get METRICS_PORT and a metrics port, and the operator scrapes there.</summary>
public sealed class MetricsPortTests
{
    [Fact]
    public void With_a_metrics_port_the_pod_serves_metrics_there_and_prometheus_is_told_so()
    {
        var md = Samples.Churn();
        var options = new OperatorOptions { ModelServerMetricsPort = 9090 };

        var template = DeploymentBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 1), options).Spec!.Template!;
        var container = template.Spec!.Containers![0];

        Assert.Equal([(ChildNames.PortName, 8080), (ChildNames.GrpcPortName, 8081), (ChildNames.MetricsPortName, 9090)], container.Ports!.Select(p => (p.Name, p.Port)));
        Assert.Equal("9090", container.Env!.Single(e => e.Name == "METRICS_PORT").Value);
        Assert.Equal("9090", template.Metadata!.Annotations!["prometheus.io/port"]);
        Assert.Equal(ChildNames.PortName, container.ReadinessProbe!.HttpGet!.Port!.ToString()); // the kubelet probes the serving port
    }

    [Fact]
    public void Without_one_nothing_changes()
    {
        var md = Samples.Churn();

        var template = DeploymentBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 1), new OperatorOptions()).Spec!.Template!;

        Assert.Equal(["http", "grpc"], template.Spec!.Containers![0].Ports!.Select(p => p.Name));
        Assert.DoesNotContain(template.Spec.Containers[0].Env!, e => e.Name == "METRICS_PORT");
        Assert.Equal("8080", template.Metadata!.Annotations!["prometheus.io/port"]);
    }

    [Fact]
    public async Task The_operator_scrapes_the_metrics_port_and_asks_the_ready_endpoint_on_the_serving_port()
    {
        await using var serving = await FakeHttpServer.StartAsync(r => (503, "application/json", "{\"ready\":false,\"reason\":\"Loading\"}"));
        await using var metrics = await FakeHttpServer.StartAsync(r => (200, "text/plain; version=0.0.4", DirectAnalysisProviderTests.Exposition(990, 10)));
        var options = new OperatorOptions { ModelServerPort = serving.Port, ModelServerMetricsPort = metrics.Port };
        using var http = new OutboundHttp(options, TimeProvider.System);
        var (providers, probe, _) = OperatorWiring.OutboundParts(options, http, NullLoggerFactory.Instance);
        var pod = DirectAnalysisProviderTests.Pod("churn-canary-0", ip: "127.0.0.1");
        var spec = new AnalysisSpec { MaxErrorRate = 0.05 };

        var result = await providers(spec).MeasureAsync(new AnalysisRequest(new ObjectKey("ml", "churn"), spec, "churn-canary", null, [pod], [], TimeSpan.FromSeconds(30), DateTimeOffset.UnixEpoch), CancellationToken.None);
        var readiness = await probe.ProbeAsync(pod, CancellationToken.None);

        Assert.Equal((0.01, 1000L), (result.ErrorRate!.Value, result.ErrorRate.Samples));
        Assert.Equal("Loading", readiness!.Reason);
        Assert.Equal(["/metrics"], metrics.Requests);
        Assert.Equal(["/v2/health/ready"], serving.Requests);
    }
}
