using ModelOperator.Api;
using ModelOperator.Kubectl.Rendering;
using ModelOperator.Kubectl.Tests.Support;

namespace ModelOperator.Kubectl.Tests.Rendering;

public sealed class StepTextTests
{
    /// <summary>A spec without steps: the planner runs one implicit setWeight 100, and that is the position shown.</summary>
    [Theory]
    [InlineData(0, "1/1 (setWeight 100%)")]
    [InlineData(1, "1/1 done")]
    public void A_spec_without_steps_shows_the_implicit_step_the_planner_runs(int index, string expected)
    {
        var md = WithoutSteps(index);

        Assert.Equal(expected, StepText.Position(md));
        Assert.Contains($"step {expected}", WatchLine.Render(md), StringComparison.Ordinal);
        Assert.Contains($"Step:           {expected}", StatusRenderer.Render(md, Fixtures.Now), StringComparison.Ordinal);
    }

    [Fact]
    public void Given_steps_are_counted_as_given()
    {
        var md = Fixtures.Canary();

        Assert.Equal("2/5 (analysis)", StepText.Position(md));
    }

    private static ModelDeployment WithoutSteps(int index)
    {
        var md = Fixtures.Canary();
        return md with
        {
            Spec = md.Spec! with { Rollout = md.Spec.Rollout! with { Steps = null } },
            Status = md.Status! with { CurrentStepIndex = index },
        };
    }
}
