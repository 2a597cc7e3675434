using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox.Proxy;
using static ModelOperator.Sandbox.Tests.PodBuilders;

namespace ModelOperator.Sandbox.Tests;

public sealed class GrpcProxyRoutingTests
{
    private static readonly Dictionary<string, string> App = new() { ["app"] = "churn" };

    [Fact]
    public void A_ready_endpoint_carries_the_gRPC_port_its_node_agent_annotated_and_0_without_one()
    {
        var service = new Service { Metadata = new ObjectMeta { Name = "churn", Namespace = "sandbox" }, Spec = new ServiceSpec { Selector = App } };
        var withGrpc = Pod("a", "h", TimeSpan.FromSeconds(1), labels: App, port: 31001);
        withGrpc = withGrpc with { Metadata = withGrpc.Metadata with { Annotations = new Dictionary<string, string>(withGrpc.Metadata.Annotations!) { [SandboxNames.GrpcPortAnnotation] = "31501" } } };
        var badGrpc = Pod("b", "h", TimeSpan.FromSeconds(1), labels: App, port: 31002);
        badGrpc = badGrpc with { Metadata = badGrpc.Metadata with { Annotations = new Dictionary<string, string>(badGrpc.Metadata.Annotations!) { [SandboxNames.GrpcPortAnnotation] = "70000" } } };
        var without = Pod("c", "h", TimeSpan.FromSeconds(1), labels: App, port: 31003);

        Assert.Equal([new Endpoint("a", 31001, 31501), new Endpoint("b", 31002, 0), new Endpoint("c", 31003, 0)], ProxyRouting.ReadyEndpoints(service, [withGrpc, badGrpc, without]));
    }

    [Fact]
    public void Each_sandbox_pod_gets_its_own_GRPC_PORT_whatever_the_pod_spec_says()
    {
        var container = new Container { Name = "modelserver", Env = [new EnvVar { Name = "GRPC_PORT", Value = "8081" }] };
        var pod = Pod("a", "h", null) with { Spec = new PodSpec { Containers = [container] } };

        var (env, _, error) = Nodes.PodProcess.ResolveEnvironment(pod, container, 31000, new Nodes.NodeAgentOptions { ServerPath = "/bin/true", LogDirectory = Path.GetTempPath() }, grpcPort: 31500);

        Assert.Null(error);
        Assert.Equal("31500", env!["GRPC_PORT"]);
        Assert.Equal("31000", env["PORT"]);
    }
}
