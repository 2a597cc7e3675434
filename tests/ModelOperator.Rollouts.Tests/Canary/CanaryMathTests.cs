using ModelOperator.Rollouts.Canary;

namespace ModelOperator.Rollouts.Tests.Canary;

public sealed class CanaryMathTests
{
    public static TheoryData<int, int, int, int> ReplicaRatioCases => new()
    {
        // total, weight, expected stable, expected canary
        { 10, 0, 10, 0 },
        { 10, 100, 0, 10 },
        { 10, 10, 9, 1 },
        { 10, 25, 7, 3 },   // ceil(2.5) = 3
        { 10, 50, 5, 5 },
        { 10, 99, 1, 10 },  // ceil(9.9) = 10, stable keeps one pod: surge by one
        { 5, 90, 1, 5 },    // ceil(4.5) = 5, stable kept at 1
        { 3, 10, 2, 1 },    // ceil(0.3) = 1
        { 3, 34, 1, 2 },    // ceil(1.02) = 2
        { 3, 33, 2, 1 },    // ceil(0.99) = 1
        { 4, 75, 1, 3 },    // exact multiple: no rounding
        { 1, 1, 1, 1 },     // one replica: both revisions need a pod, surge to 2
        { 1, 50, 1, 1 },
        { 1, 99, 1, 1 },
        { 1, 100, 0, 1 },
        { 1, 0, 1, 0 },
        { 0, 0, 0, 0 },     // scaled to zero: nothing to split
        { 0, 50, 0, 0 },
        { 0, 100, 0, 0 },
        { 100, 1, 99, 1 },
        { 7, 20, 5, 2 },    // ceil(1.4) = 2
        { int.MaxValue, 50, int.MaxValue / 2, (int.MaxValue / 2) + 1 }, // no overflow in the share
    };

    [Theory]
    [MemberData(nameof(ReplicaRatioCases))]
    public void Replica_ratio_split_rounds_the_canary_up_and_keeps_one_pod_each(int total, int weight, int stable, int canary)
    {
        var split = CanaryMath.Split(total, weight, TrafficRoutingMode.ReplicaRatio);

        Assert.Equal(new ReplicaSplit(stable, canary), split);
    }

    public static TheoryData<int, int, int, int> GatewayCases => new()
    {
        { 10, 0, 10, 0 },
        { 10, 25, 10, 3 },
        { 10, 100, 10, 10 },  // stable stays warm until the rollout ends
        { 1, 1, 1, 1 },
        { 1, 100, 1, 1 },
        { 3, 50, 3, 2 },
        { 0, 40, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(GatewayCases))]
    public void Gateway_split_keeps_stable_full_and_sizes_the_canary_for_its_share(int total, int weight, int stable, int canary)
    {
        var split = CanaryMath.Split(total, weight, TrafficRoutingMode.GatewayApi);

        Assert.Equal(new ReplicaSplit(stable, canary), split);
    }

    [Fact]
    public void Replica_ratio_split_never_loses_pods_and_surges_by_at_most_one()
    {
        for (var total = 0; total <= 40; total++)
        {
            for (var weight = 0; weight <= 100; weight++)
            {
                var split = CanaryMath.Split(total, weight, TrafficRoutingMode.ReplicaRatio);
                Assert.InRange(split.Total, total, total + 1);
                Assert.True(weight == 0 || total == 0 || split.Canary >= 1, $"total {total} weight {weight}: canary must run");
                Assert.True(weight == 100 || total == 0 || split.Stable >= 1, $"total {total} weight {weight}: stable must run");
                Assert.True(split.Canary * 100 >= (long)total * weight || split.Stable == 1, $"total {total} weight {weight}: canary below its share");
            }
        }
    }

    [Theory]
    [InlineData(-1, 10, "total")]
    [InlineData(10, -1, "weight")]
    [InlineData(10, 101, "weight")]
    public void Split_rejects_values_outside_their_range_naming_the_argument(int total, int weight, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CanaryMath.Split(total, weight, TrafficRoutingMode.ReplicaRatio));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(parameter, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_rejects_an_unknown_mode()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CanaryMath.Split(4, 50, (TrafficRoutingMode)7));
    }

    [Theory]
    [InlineData(4, 1, 1, 10, 5)]
    [InlineData(8, 6, 2, 10, 10)]
    [InlineData(0, 0, 1, 5, 1)]
    [InlineData(0, 0, 0, 5, 0)]
    [InlineData(3, 0, 1, 3, 3)]
    [InlineData(int.MaxValue, int.MaxValue, 1, 20, 20)]
    public void Total_from_hints_is_the_clamped_sum(int stableHint, int canaryHint, int min, int max, int expected)
    {
        Assert.Equal(expected, CanaryMath.TotalFromHints(stableHint, canaryHint, min, max));
    }

    [Fact]
    public void Total_from_hints_rejects_an_inverted_range()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CanaryMath.TotalFromHints(1, 1, 5, 4));

        Assert.Contains("at least minReplicas (5)", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<TrafficRoutingMode, int, int, int, int> EffectiveWeightCases => new()
    {
        { TrafficRoutingMode.ReplicaRatio, 25, 7, 3, 30 },
        { TrafficRoutingMode.ReplicaRatio, 10, 2, 1, 33 },
        { TrafficRoutingMode.ReplicaRatio, 50, 1, 2, 67 },
        { TrafficRoutingMode.ReplicaRatio, 50, 1, 1, 50 },
        { TrafficRoutingMode.ReplicaRatio, 50, 0, 0, 0 },    // nothing ready: no traffic anywhere
        { TrafficRoutingMode.ReplicaRatio, 20, 0, 3, 100 },  // stable down: the canary takes everything
        { TrafficRoutingMode.ReplicaRatio, 20, 4, 0, 0 },    // canary not ready yet
        { TrafficRoutingMode.ReplicaRatio, 1, 199, 1, 1 },   // 0.5 rounds away from zero
        { TrafficRoutingMode.GatewayApi, 25, 10, 2, 25 },
        { TrafficRoutingMode.GatewayApi, 25, 10, 0, 0 },
        { TrafficRoutingMode.GatewayApi, 0, 10, 1, 0 },
        { TrafficRoutingMode.GatewayApi, 100, 0, 1, 100 },
    };

    [Theory]
    [MemberData(nameof(EffectiveWeightCases))]
    public void Effective_weight_follows_ready_pods_or_the_route(TrafficRoutingMode mode, int weight, int stableReady, int canaryReady, int expected)
    {
        Assert.Equal(expected, CanaryMath.EffectiveWeight(mode, weight, stableReady, canaryReady));
    }
}
