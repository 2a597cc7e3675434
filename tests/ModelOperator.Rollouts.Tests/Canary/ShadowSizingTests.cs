using ModelOperator.Api;
using ModelOperator.Rollouts.Canary;

namespace ModelOperator.Rollouts.Tests.Canary;

public sealed class ShadowSizingTests
{
    private static RolloutStep Shadow => new() { Shadow = new ShadowStep { Percent = 20, Duration = "10m" } };

    private static RolloutStep Weight(int weight) => new() { SetWeight = weight };

    private static RolloutStep Pause => new() { Pause = new PauseStep { Duration = "1m" } };

    public static TheoryData<string, int, RolloutStep[], TrafficRoutingMode, int> Cases => new()
    {
        // case, total, steps (the shadow step first), mode, canary replicas
        { "as the first canary step", 10, [Shadow, Weight(20), Weight(100)], TrafficRoutingMode.ReplicaRatio, 2 },
        { "rounded up", 3, [Shadow, Weight(50), Weight(100)], TrafficRoutingMode.ReplicaRatio, 2 },
        { "one replica", 1, [Shadow, Weight(10)], TrafficRoutingMode.ReplicaRatio, 1 },
        { "a pause in between", 10, [Shadow, Pause, Weight(30)], TrafficRoutingMode.ReplicaRatio, 3 },
        { "setWeight 0 routes nothing", 4, [Shadow, Weight(0), Weight(100)], TrafficRoutingMode.ReplicaRatio, 4 },
        { "gateway API", 10, [Shadow, Weight(25)], TrafficRoutingMode.GatewayApi, 3 },
        { "the last step", 4, [Shadow], TrafficRoutingMode.ReplicaRatio, 1 },
        { "scaled to zero", 0, [Shadow, Weight(20)], TrafficRoutingMode.ReplicaRatio, 0 },
        { "the largest total", int.MaxValue, [Shadow, Weight(100)], TrafficRoutingMode.GatewayApi, int.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_canary_runs_the_pods_of_the_first_step_that_routes_users_to_it(string name, int total, RolloutStep[] steps, TrafficRoutingMode mode, int expected) =>
        Assert.True(expected == ShadowSizing.CandidateReplicas(total, steps, 0, mode), name);

    [Fact]
    public void A_negative_total_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ShadowSizing.CandidateReplicas(-1, [Shadow], 0, TrafficRoutingMode.ReplicaRatio));
}
