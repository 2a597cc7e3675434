using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;

namespace ModelOperator.Operator.Tests.Children;

public sealed class HttpRouteReleaseTests
{
    private static readonly IReadOnlySet<string> Ours = new HashSet<string>(StringComparer.Ordinal) { "churn", "churn-aaa", "churn-bbb" };

    private static HttpRoute Route(params HttpRouteRule[] rules) => new()
    {
        Metadata = new ObjectMeta { Name = "route", Namespace = "ml" },
        Spec = new HttpRouteSpec { ParentRefs = [new ParentReference { Name = "gateway" }], Rules = rules },
    };

    private static HttpBackendRef Ref(string name, int? weight = null, string? group = null, string? kind = null) =>
        new() { Name = name, Port = 80, Weight = weight, Group = group, Kind = kind };

    private static IReadOnlyList<IReadOnlyList<string>> Backends(HttpRoute route) =>
        route.Spec!.Rules!.Select(r => (IReadOnlyList<string>)(r.BackendRefs ?? []).Select(b => b.Name).ToList()).ToList();

    [Fact]
    public void The_ModelDeployments_backendRefs_go_and_everything_else_stays()
    {
        var route = Route(
            new HttpRouteRule { Name = "predict", BackendRefs = [Ref("churn-aaa", 70), Ref("churn-bbb", 30)] },
            new HttpRouteRule { Name = "mixed", BackendRefs = [Ref("churn-aaa", 50), Ref("fallback", 50)] },
            new HttpRouteRule { Name = "docs", BackendRefs = [Ref("docs-site")] });

        var released = HttpRouteRelease.Release(route, Ours)!;

        Assert.Equal([[], ["fallback"], ["docs-site"]], Backends(released));
        Assert.Equal(["predict", "mixed", "docs"], released.Spec!.Rules!.Select(r => r.Name));
        Assert.Equal(50, released.Spec.Rules![1].BackendRefs![0].Weight);
        Assert.Equal(route.Spec!.ParentRefs, released.Spec.ParentRefs);
    }

    [Fact]
    public void A_route_naming_none_of_its_Services_needs_no_write()
    {
        Assert.Null(HttpRouteRelease.Release(Route(new HttpRouteRule { BackendRefs = [Ref("docs-site")] }), Ours));
        Assert.Null(HttpRouteRelease.Release(Route(), Ours));
        Assert.Null(HttpRouteRelease.Release(new HttpRoute { Metadata = new ObjectMeta { Name = "empty" } }, Ours));
    }

    [Fact]
    public void A_backendRef_of_another_kind_with_the_same_name_is_not_ours()
    {
        var route = Route(new HttpRouteRule { BackendRefs = [Ref("churn", group: "example.com", kind: "Backend"), Ref("churn-aaa", kind: "Service")] });

        var released = HttpRouteRelease.Release(route, Ours)!;

        Assert.Equal("example.com", Assert.Single(released.Spec!.Rules![0].BackendRefs!).Group);
    }
}
