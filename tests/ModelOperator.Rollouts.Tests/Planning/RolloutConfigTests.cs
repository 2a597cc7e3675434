using ModelOperator.Api;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class RolloutConfigTests
{
    private static readonly IReadOnlyList<RolloutStep> Steps = [Pause("1m"), Weight(10), Analyze(), Pause(), Weight(40), Weight(100)];

    [Theory]
    [InlineData(0, 0)]    // before any setWeight
    [InlineData(1, 10)]   // the weight being moved to
    [InlineData(2, 10)]
    [InlineData(3, 10)]
    [InlineData(4, 40)]
    [InlineData(5, 100)]
    [InlineData(6, 100)]  // past the last step: the last weight
    public void The_weight_at_a_step_is_the_last_set_weight_at_or_before_it(int index, int weight)
    {
        var config = RolloutConfig.From(Create("1", Steps).Spec!, FakeCluster.Settings);

        Assert.Equal(weight, config.WeightAt(index));
    }

    [Fact]
    public void A_spec_without_steps_runs_one_implicit_full_weight_step_with_the_defaults()
    {
        var spec = Create("1").Spec! with { Rollout = null };

        var config = RolloutConfig.From(spec, FakeCluster.Settings);

        Assert.Equal(100, Assert.Single(config.Steps).SetWeight);
        Assert.Equal(TimeSpan.FromMinutes(10), config.ProgressDeadline);
        Assert.Equal(TimeSpan.FromMinutes(5), config.BakeTime);
        Assert.Equal(TrafficRoutingMode.ReplicaRatio, config.Mode);
        Assert.False(config.HasAnalysis);
        Assert.False(config.Paused);
        Assert.Equal(4, config.FixedReplicas);
    }

    [Theory]
    [InlineData(0, "pause 1m")]
    [InlineData(1, "setWeight 10")]
    [InlineData(2, "analysis")]
    [InlineData(3, "pause")]
    public void Steps_are_described_briefly_for_messages(int index, string text)
    {
        Assert.Equal(text, RolloutConfig.Describe(Steps[index]));
    }
}
