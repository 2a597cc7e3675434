using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>The planner's decisions about the HTTPRoute of Gateway API routing: missing, not opted in, opted in.</summary>
public sealed class RouteDecisionTests
{
    private static readonly TrafficRouting Gateway = new() { GatewayApi = new GatewayApiRouting { HttpRoute = "churn-route" } };

    private static HttpRoute Route(string? optedInTo) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "churn-route",
            Namespace = "default",
            Annotations = optedInTo is null ? null : new Dictionary<string, string> { [Annotations.ManagedByModelDeployment] = optedInTo },
        },
    };

    public static TheoryData<string, string?, string?, bool> Cases => new()
    {
        // case, route (null: missing; else the ModelDeployment it opted in to, "" for none), expected warning reason, children planned
        { "missing: Services planned, a Warning says so", null, Reasons.InvalidSpec, true },
        { "no annotation: blocked", "", Reasons.RouteNotOptedIn, false },
        { "opted in to another ModelDeployment: blocked", "fraud", Reasons.RouteNotOptedIn, false },
        { "opted in: planned without a warning", Name, null, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_route_decides_whether_the_plan_writes_and_what_it_warns(string @case, string? route, string? warning, bool planned)
    {
        var md = Create("1", routing: Gateway);
        var snapshot = new ClusterSnapshot { Route = route is null ? null : Route(route.Length == 0 ? null : route) };

        var plan = RolloutPlanner.Plan(md, snapshot, null, DateTimeOffset.UnixEpoch, FakeCluster.Settings);

        Assert.True(planned == plan.Traffic is not null, @case);
        Assert.Equal(planned, plan.Revisions is not null);
        Assert.Equal(warning, plan.Events.SingleOrDefault(e => e.Type == PlannedEvent.Warning)?.Reason);
        if (warning == Reasons.RouteNotOptedIn)
        {
            var degraded = plan.Status.Conditions!.Single(c => c.Type == Conditions.Degraded);
            Assert.Equal((ConditionStatus.True, Reasons.RouteNotOptedIn), (degraded.Status, degraded.Reason));
            Assert.Contains($"{Annotations.ManagedByModelDeployment}: {Name}", degraded.Message, StringComparison.Ordinal);
            Assert.Equal(FakeCluster.Settings.PollInterval, plan.RequeueAfter);
        }
    }

    [Fact]
    public void A_missing_route_is_named_with_its_namespace_and_the_way_out()
    {
        var plan = RolloutPlanner.Plan(Create("1", routing: Gateway), ClusterSnapshot.Empty, null, DateTimeOffset.UnixEpoch, FakeCluster.Settings);

        var warning = plan.Events.Single(e => e.Type == PlannedEvent.Warning);
        Assert.Equal("HTTPRoute churn-route named by spec.rollout.trafficRouting.gatewayAPI.httpRoute does not exist in namespace default; create it or switch to replicas routing", warning.Message);
        Assert.Equal(TrafficRoutingMode.GatewayApi, plan.Traffic!.Mode);
    }

    [Fact]
    public void Replica_ratio_routing_never_looks_at_a_route()
    {
        var plan = RolloutPlanner.Plan(Create("1"), new ClusterSnapshot { Route = Route(null) }, null, DateTimeOffset.UnixEpoch, FakeCluster.Settings);

        Assert.DoesNotContain(plan.Events, e => e.Type == PlannedEvent.Warning);
        Assert.Equal(TrafficRoutingMode.ReplicaRatio, plan.Traffic!.Mode);
    }

    [Fact]
    public void Opt_in_needs_the_annotation_naming_the_model_deployment()
    {
        Assert.Null(RouteOptIn.Problem(Route("churn"), "churn"));
        Assert.Contains("has no annotation", RouteOptIn.Problem(Route(null), "churn"), StringComparison.Ordinal);
        Assert.Contains("modeloperator.io/managed-by-modeldeployment: churn", RouteOptIn.Problem(Route(null), "churn"), StringComparison.Ordinal);
        Assert.Contains("has the annotation modeloperator.io/managed-by-modeldeployment: churn", RouteOptIn.Problem(Route("churn"), "fraud"), StringComparison.Ordinal);
    }
}
