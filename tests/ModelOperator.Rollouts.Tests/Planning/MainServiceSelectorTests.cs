using ModelOperator.Api;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class MainServiceSelectorTests
{
    public static TheoryData<TrafficRoutingMode, string[], string?> Cases => new()
    {
        // replicas: two backends (a canary, or the warm previous revision just after promotion) split by pods
        { TrafficRoutingMode.ReplicaRatio, ["stable:80", "canary:20"], null },
        // replicas: a canary at weight 0 (a shadow step: it answers copies only) is out of the Service
        { TrafficRoutingMode.ReplicaRatio, ["stable:100", "canary:0"], "stable" },
        { TrafficRoutingMode.ReplicaRatio, ["stable:70", "previous:30"], null },
        // replicas: one backend (steady, bake, after a rollback): only it
        { TrafficRoutingMode.ReplicaRatio, ["stable:100"], "stable" },
        // Gateway API: the route splits; in-cluster clients always get the stable revision, even at weight 0 or 100
        { TrafficRoutingMode.GatewayApi, ["stable:80", "canary:20"], "stable" },
        { TrafficRoutingMode.GatewayApi, ["stable:0", "canary:100"], "stable" },
        { TrafficRoutingMode.GatewayApi, ["stable:100", "canary:0"], "stable" },
        { TrafficRoutingMode.GatewayApi, ["stable:100"], "stable" },
        // nothing to narrow to
        { TrafficRoutingMode.ReplicaRatio, [], null },
        { TrafficRoutingMode.GatewayApi, [], null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_main_Service_selects(TrafficRoutingMode mode, string[] backends, string? expected)
    {
        var parsed = backends.Select(b => b.Split(':')).Select(p => new TrafficBackend(p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(expected, MainServiceSelector.RevisionFor(mode, parsed));
        Assert.Equal(expected, new TrafficPlan { Mode = mode, Backends = parsed }.MainServiceRevision);
    }

    [Fact]
    public void With_Gateway_API_the_main_Service_stays_on_stable_through_canary_rollback_promotion_and_bake()
    {
        // Given version 1 stable behind an HTTPRoute, with a bake after promotion
        var cluster = new FakeCluster(Create("1", [Weight(30), Pause(), Weight(100)], replicas: 4, bakeTime: "10m",
            routing: new TrafficRouting { GatewayApi = new GatewayApiRouting { HttpRoute = "churn-route" } }));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        var v1 = cluster.Status.StableRevision!.Name!;

        // When version 2 runs as a canary at 30%, Then the route gets 70/30 and the main Service version 1 only
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        var v2 = cluster.Status.CanaryRevision!.Name!;
        var paused = cluster.Reconcile().Traffic!;
        Assert.Equal([new TrafficBackend(v1, 70), new TrafficBackend(v2, 30)], paused.Backends);
        Assert.Equal(v1, paused.MainServiceRevision);

        // When it is aborted, Then the canary leaves the route at once and the main Service stays on version 1
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Abort));
        var rolledBack = cluster.Reconcile().Traffic!;
        Assert.Equal([new TrafficBackend(v1, 100)], rolledBack.Backends);
        Assert.Equal(v1, rolledBack.MainServiceRevision);

        // When version 3 is promoted, Then during its bake (version 1 kept warm) the route and the main Service name version 3 only
        cluster.Update(md => md.WithVersion("3"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        var v3 = cluster.Status.CanaryRevision!.Name!;
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Promote));
        var baking = cluster.Reconcile();
        Assert.Equal(v3, cluster.Status.StableRevision!.Name);
        Assert.NotNull(cluster.Status.BakeUntil);
        Assert.Contains(baking.Revisions!, r => r.Name == v1 && r.Role == RevisionRole.Previous);
        Assert.Equal([new TrafficBackend(v3, 100)], baking.Traffic!.Backends);
        Assert.Equal(v3, baking.Traffic.MainServiceRevision);
    }
}
