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
}
