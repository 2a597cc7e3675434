using ModelOperator.Api;
using ModelOperator.Kubectl.Rendering;
using ModelOperator.Kubectl.Tests.Support;

namespace ModelOperator.Kubectl.Tests.Rendering;

public sealed class ShadowTextTests
{
    /// <summary>Version 2 at a shadow step (step 1 of 3), with the numbers of the last run when given.</summary>
    private static ModelDeployment Shadowing(ShadowDecision? numbers)
    {
        var md = Fixtures.Canary();
        return md with
        {
            Spec = md.Spec! with
            {
                Rollout = md.Spec.Rollout! with
                {
                    Steps = [new RolloutStep { Shadow = new ShadowStep { Percent = 20, Duration = "10m" } }, new RolloutStep { SetWeight = 20 }, new RolloutStep { SetWeight = 100 }],
                },
            },
            Status = md.Status! with
            {
                CurrentStepIndex = 0,
                CanaryWeight = 0,
                LastDecision = md.Status.LastDecision! with { Metric = "shadowDisagreement", ObservedValue = 0.004, Samples = 1234, Shadow = numbers },
            },
        };
    }

    [Fact]
    public void Status_shows_the_shadow_share_and_what_the_copies_showed()
    {
        var md = Shadowing(new ShadowDecision { Percent = 20, Duration = "10m", ComparedCopies = 1234, Disagreement = 0.004, CandidateErrorRate = 0, CandidateP99Latency = "12ms" });

        var text = StatusRenderer.Render(md, Fixtures.Now);

        Assert.Contains("Step:           1/3 (shadow 20% for 10m), started 3m ago", text, StringComparison.Ordinal);
        Assert.Contains("Shadow:         shadow 20 % for 10m, 1234 copies compared, 0.4 % disagree, 0 % failed, p99 12ms", text, StringComparison.Ordinal);
        Assert.Contains("canary  churn-bbbbbbbbbb  model version 2  0%", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Before_the_first_run_it_says_no_copy_was_compared_and_after_the_step_it_says_nothing()
    {
        Assert.Equal("shadow 20 % for 10m, no copies compared yet", ShadowText.Progress(Shadowing(null)));

        var later = Shadowing(new ShadowDecision { ComparedCopies = 10 });
        Assert.Null(ShadowText.Progress(later with { Status = later.Status! with { CurrentStepIndex = 1 } }));
        Assert.Null(ShadowText.Progress(Fixtures.Healthy()));
    }
}
