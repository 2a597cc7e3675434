using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.SandboxHost.Demo;

namespace ModelOperator.SandboxHost.Tests;

public sealed class RolloutNarratorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static ModelDeployment Md(ModelDeploymentStatus? status) => new()
    {
        Metadata = new ObjectMeta { Name = "churn", Namespace = "default" },
        Spec = new ModelDeploymentSpec { Rollout = new RolloutSpec { Steps = [new RolloutStep { SetWeight = 25 }, new RolloutStep { Analysis = new AnalysisStep() }, new RolloutStep { Pause = new PauseStep { Duration = "1m" } }] } },
        Status = status,
    };

    private static readonly ModelDeploymentStatus Canary = new()
    {
        Phase = Phases.Progressing,
        StableRevision = new RevisionRef { Name = "churn-1111111111", ModelVersion = "1" },
        CanaryRevision = new RevisionRef { Name = "churn-2222222222", ModelVersion = "2" },
        CanaryWeight = 25,
        CurrentStepIndex = 1,
        ReadyReplicas = 4,
    };

    [Fact]
    public void The_picture_names_phase_step_revisions_weight_and_ready_pods()
    {
        Assert.Equal("churn: Progressing, step 2/3 (analysis), canary churn-2222222222 (v2) at 25%, stable churn-1111111111 (v1), 4 pods ready", RolloutNarrator.Picture(Md(Canary)));
        Assert.Equal("churn: (no status yet)", RolloutNarrator.Picture(Md(null)));
        Assert.Equal("churn: Healthy, stable churn-1111111111 (v1), 4 pods ready", RolloutNarrator.Picture(Md(Canary with { Phase = Phases.Healthy, CanaryRevision = null })));
    }

    [Fact]
    public void A_decision_shows_its_numbers()
    {
        var decision = new RolloutDecision { Action = "Rollback", Reason = Reasons.PredictionDrift, Metric = "predictionDrift", ObservedValue = 2.34061, Threshold = 0.25, Window = "30s", Samples = 375, Time = T0, Message = "canary rolled back" };

        Assert.Equal("  decision Rollback (PredictionDrift): predictionDrift = 2.3406, threshold 0.25, window 30s, 375 samples — canary rolled back", RolloutNarrator.Decision(decision));
    }

    [Fact]
    public void Only_changes_are_told_a_new_decision_once()
    {
        var decided = Canary with { LastDecision = new RolloutDecision { Action = "Proceed", Reason = Reasons.StepComplete, Time = T0, Message = "step 1 of 3 complete" } };

        Assert.Equal(2, RolloutNarrator.Describe(null, Md(decided)).Count);
        Assert.Empty(RolloutNarrator.Describe(Md(decided), Md(decided)));
        var weightMoved = RolloutNarrator.Describe(Md(decided), Md(decided with { CanaryWeight = 50 }));
        Assert.Equal([RolloutNarrator.Picture(Md(decided with { CanaryWeight = 50 }))], weightMoved);
        var next = decided with { LastDecision = decided.LastDecision! with { Time = T0.AddSeconds(30), Message = "step 2 of 3 complete" } };
        Assert.Equal(["  decision Proceed (StepComplete) — step 2 of 3 complete"], RolloutNarrator.Describe(Md(decided), Md(next)));
    }

    private static ModelDeployment Shadowed(ModelDeploymentStatus status) => new()
    {
        Metadata = new ObjectMeta { Name = "churn", Namespace = "default" },
        Spec = new ModelDeploymentSpec
        {
            Rollout = new RolloutSpec
            {
                Steps = [new RolloutStep { Shadow = new ShadowStep { Percent = 100, Duration = "30s" } }, new RolloutStep { SetWeight = 50 }, new RolloutStep { Analysis = new AnalysisStep() }],
                Analysis = new AnalysisSpec { MaxShadowDisagreement = 0.05, ShadowTolerance = 0.05 },
            },
        },
        Status = status,
    };

    private static readonly ModelDeploymentStatus InShadow = Canary with { CanaryRevision = new RevisionRef { Name = "churn-3333333333", ModelVersion = "3" }, CanaryWeight = 0, CurrentStepIndex = 0 };

    [Fact]
    public void A_shadow_rollback_is_told_in_plain_words_with_the_numbers_of_the_status()
    {
        // Given version 3 in its shadow step, When the status says it was rolled back on the copies' disagreement
        var before = Shadowed(InShadow);
        var rolledBack = Shadowed(InShadow with
        {
            Phase = Phases.RolledBack,
            CanaryRevision = null,
            CurrentStepIndex = null,
            LastDecision = new RolloutDecision
            {
                Action = DecisionActions.Rollback, Reason = Reasons.ShadowDisagreement, Metric = "shadowDisagreement", ObservedValue = 0.9312, Threshold = 0.05, Window = "30s", Samples = 712, Time = T0, Message = "canary churn-3333333333 rolled back and quarantined",
                Shadow = new ShadowDecision { Percent = 100, Duration = "30s", ComparedCopies = 712, Disagreement = 0.9312, CandidateErrorRate = 0 },
            },
        });

        // Then the story names the version (the one the last picture showed), the copies and the outcome
        var lines = RolloutNarrator.Describe(before, rolledBack);
        Assert.Equal("  shadow: v3 got a copy of 100 % of the requests; 712 compared, 93.1 % disagree beyond 0.05 (at most 5 % may) → rolled back before it answered any user", lines[^1]);
        Assert.Equal("  decision Rollback (ShadowDisagreement): shadowDisagreement = 0.9312, threshold 0.05, window 30s, 712 samples — canary churn-3333333333 rolled back and quarantined", lines[^2]);
    }

    [Theory]
    [InlineData(DecisionActions.Proceed, Reasons.AnalysisPassed, "passed")]
    [InlineData(DecisionActions.Proceed, Reasons.StepComplete, "passed")]
    [InlineData(DecisionActions.Pause, Reasons.AnalysisInconclusive, "too few to judge yet")]
    [InlineData(DecisionActions.Pause, Reasons.ShadowDisagreement, "ShadowDisagreement, a failure within the failureLimit")]
    public void A_shadow_run_that_did_not_roll_back_says_what_it_decided(string action, string reason, string outcome)
    {
        var decision = new RolloutDecision { Action = action, Reason = reason, Time = T0, Shadow = new ShadowDecision { Percent = 100, Duration = "30s", ComparedCopies = 120, Disagreement = 0 } };

        var line = ShadowStory.Describe(null, Shadowed(InShadow with { LastDecision = decision }));

        Assert.Equal($"  shadow: v3 got a copy of 100 % of the requests; 120 compared, 0 % disagree beyond 0.05 (at most 5 % may) → {outcome}", line);
    }

    [Fact]
    public void A_decision_without_shadow_numbers_tells_no_shadow_story_and_the_default_tolerance_is_named()
    {
        var plain = Canary with { LastDecision = new RolloutDecision { Action = DecisionActions.Proceed, Reason = Reasons.StepComplete, Time = T0 } };
        Assert.Null(ShadowStory.Describe(null, Md(plain)));

        // No tolerance in the spec: the API's default is what the servers used; no maximum: no "at most"
        var unset = Md(Canary with { LastDecision = new RolloutDecision { Action = DecisionActions.Proceed, Reason = Reasons.AnalysisPassed, Time = T0, Shadow = new ShadowDecision { Percent = 20 } } });
        Assert.Equal("  shadow: v2 got a copy of 20 % of the requests; none compared yet → passed", ShadowStory.Describe(null, unset));
        var defaulted = Md(Canary with { LastDecision = new RolloutDecision { Action = DecisionActions.Proceed, Reason = Reasons.AnalysisPassed, Time = T0, Shadow = new ShadowDecision { Percent = 20, ComparedCopies = 5, Disagreement = 0.2 } } });
        Assert.Equal("  shadow: v2 got a copy of 20 % of the requests; 5 compared, 20 % disagree beyond 0.01 → passed", ShadowStory.Describe(null, defaulted));
    }

    [Fact]
    public void The_answers_are_listed_by_version()
    {
        Assert.Equal("v1 10, v2 7", DemoRunner.AnswersByVersion(new Dictionary<string, long> { ["2"] = 7, ["1"] = 10 }));
        Assert.Equal("none", DemoRunner.AnswersByVersion(new Dictionary<string, long>()));
    }
}
