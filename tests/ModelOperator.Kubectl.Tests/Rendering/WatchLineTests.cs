using ModelOperator.Kubectl.Rendering;
using ModelOperator.Kubectl.Tests.Support;

namespace ModelOperator.Kubectl.Tests.Rendering;

public sealed class WatchLineTests
{
    [Fact]
    public void A_canary_line_has_phase_weight_step_and_the_decision_with_its_evidence()
    {
        Assert.Equal(
            "Progressing  canary churn-bbbbbbbbbb (model version 2) at 10%  step 2/5 (analysis)  " +
            "last: Proceed (AnalysisPassed) errorRate 0.002 (threshold 0.01) over 1m, 1234 samples: analysis passed",
            WatchLine.Render(Fixtures.Canary()));
    }

    [Fact]
    public void Without_a_canary_it_names_the_stable_revision()
    {
        Assert.StartsWith("RolledBack  stable churn-aaaaaaaaaa (model version 1)  last: Rollback (HighErrorRate)",
            WatchLine.Render(Fixtures.RolledBack()), StringComparison.Ordinal);
        Assert.Equal("no status yet", WatchLine.Render(Fixtures.NoStatus()));
    }

    [Fact]
    public void Changes_nobody_watches_leave_the_line_alone_and_a_new_weight_changes_it()
    {
        var md = Fixtures.Canary();
        var replicasOnly = md with { Status = md.Status! with { ReadyReplicas = 7, Replicas = 5 } };
        var heavier = md with { Status = md.Status! with { CanaryWeight = 50 } };

        Assert.Equal(WatchLine.Render(md), WatchLine.Render(replicasOnly));
        Assert.NotEqual(WatchLine.Render(md), WatchLine.Render(heavier));
        Assert.Contains("(spec.paused)", WatchLine.Render(Fixtures.PausedBySpec()), StringComparison.Ordinal);
    }
}
