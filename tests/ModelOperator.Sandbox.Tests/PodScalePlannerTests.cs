using ModelOperator.Sandbox.Deployments;
using static ModelOperator.Sandbox.Tests.PodBuilders;

namespace ModelOperator.Sandbox.Tests;

public sealed class PodScalePlannerTests
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(5);

    [Fact]
    public void Creates_the_missing_pods_of_the_current_template()
    {
        var plan = PodScalePlanner.Plan(3, "h", [Pod("a", "h", Ready)]);

        Assert.Equal(2, plan.Create);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Scales_down_not_ready_pods_first_then_the_newest()
    {
        var pods = new[] { Pod("old-ready", "h", Ready, age: TimeSpan.FromHours(2)), Pod("new-ready", "h", Ready, age: TimeSpan.FromMinutes(1)), Pod("not-ready", "h", null, age: TimeSpan.FromHours(3)) };

        var plan = PodScalePlanner.Plan(1, "h", pods);

        Assert.Equal(0, plan.Create);
        Assert.Equal(["not-ready", "new-ready"], plan.Delete);
    }

    [Fact]
    public void Keeps_old_template_pods_until_the_new_ones_are_ready()
    {
        var pods = new[] { Pod("old", "old", Ready), Pod("new", "h", null) };

        Assert.True(PodScalePlanner.Plan(1, "h", pods).IsEmpty);
        Assert.Equal(["old"], PodScalePlanner.Plan(1, "h", [Pod("old", "old", Ready), Pod("new", "h", Ready)]).Delete);
    }

    [Fact]
    public void A_template_change_surges_new_pods_while_the_old_serve()
    {
        var plan = PodScalePlanner.Plan(2, "h", [Pod("o1", "old", Ready), Pod("o2", "old", Ready)]);

        Assert.Equal(2, plan.Create);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Scaling_to_zero_deletes_everything_and_terminating_pods_are_left_alone()
    {
        var plan = PodScalePlanner.Plan(0, "h", [Pod("a", "h", Ready), Pod("o", "old", null), Pod("t", "h", Ready, terminating: true)]);

        Assert.Equal(0, plan.Create);
        Assert.Equal(["a", "o"], plan.Delete.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_terminating_pod_is_replaced()
    {
        Assert.Equal(1, PodScalePlanner.Plan(1, "h", [Pod("t", "h", Ready, terminating: true)]).Create);
    }
}
