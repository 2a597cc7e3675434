using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox.Proxy;
using static ModelOperator.Sandbox.Tests.PodBuilders;

namespace ModelOperator.Sandbox.Tests;

public sealed class ProxyRoutingTests
{
    private static readonly Dictionary<string, string> App = new() { ["app"] = "churn" };

    [Theory]
    [InlineData(new[] { 100, 0 }, new[] { 100, 0 })]
    [InlineData(new[] { 0, 100 }, new[] { 0, 100 })]
    [InlineData(new[] { 70, 30 }, new[] { 70, 30 })]
    [InlineData(new[] { 1, 1, 1 }, new[] { 34, 33, 33 })]
    [InlineData(new[] { 5, -3, 5 }, new[] { 50, 0, 50 })]
    public void Weighted_round_robin_over_a_hundred_requests(int[] weights, int[] expected)
    {
        var counts = new int[weights.Length];
        for (var i = 0L; i < 100; i++)
        {
            counts[ProxyRouting.PickWeighted(weights, i)]++;
        }

        Assert.Equal(expected, counts);
    }

    [Fact]
    public void All_zero_weights_pick_nothing()
    {
        Assert.Equal(-1, ProxyRouting.PickWeighted([0, 0], 5));
        Assert.Equal(-1, ProxyRouting.PickWeighted([], 0));
    }

    [Fact]
    public void Ready_endpoints_are_selected_ready_live_pods_with_a_port()
    {
        var service = new Service { Metadata = new ObjectMeta { Name = "churn", Namespace = "sandbox" }, Spec = new ServiceSpec { Selector = App } };
        var pods = new[]
        {
            Pod("b", "h", TimeSpan.FromSeconds(1), labels: App, port: 31002),
            Pod("a", "h", TimeSpan.FromSeconds(1), labels: App, port: 31001),
            Pod("not-ready", "h", null, labels: App),
            Pod("terminating", "h", TimeSpan.FromSeconds(1), terminating: true, labels: App),
            Pod("no-port", "h", TimeSpan.FromSeconds(1), labels: App, port: null),
            Pod("other-app", "h", TimeSpan.FromSeconds(1), labels: new Dictionary<string, string> { ["app"] = "x" }),
            Pod("other-namespace", "h", TimeSpan.FromSeconds(1), labels: App, ns: "elsewhere"),
        };

        Assert.Equal([new Endpoint("a", 31001), new Endpoint("b", 31002)], ProxyRouting.ReadyEndpoints(service, pods));
        Assert.Empty(ProxyRouting.ReadyEndpoints(service with { Spec = new ServiceSpec() }, pods));
    }

    [Fact]
    public void Route_backends_default_to_weight_one_and_skip_non_service_refs()
    {
        var route = new HttpRoute
        {
            Spec = new HttpRouteSpec
            {
                Rules =
                [
                    new HttpRouteRule { BackendRefs = [new HttpBackendRef { Name = "a" }, new HttpBackendRef { Name = "b", Weight = 0 }] },
                    new HttpRouteRule { BackendRefs = [new HttpBackendRef { Name = "bucket", Group = "example.com", Kind = "Bucket" }] },
                ],
            },
        };

        Assert.Equal([("a", 1), ("b", 0)], ProxyRouting.Backends(route));
    }

    [Fact]
    public void Options_name_every_problem()
    {
        var e = Assert.Throws<ArgumentException>(() => new ServiceProxyOptions { Namespace = "", ServiceName = " ", Port = 70000 }.Validate());

        Assert.Contains("Namespace is empty", e.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceName is empty", e.Message, StringComparison.Ordinal);
        Assert.Contains("Port is 70000; it must be 0 (any free port) to 65535", e.Message, StringComparison.Ordinal);
    }
}
