using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubectl.Tests.Support;

/// <summary>ModelDeployments in the states a person asks about, as the operator would have written them.</summary>
internal static class Fixtures
{
    /// <summary>"Now" in every rendering test.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public const string V1 = "churn-aaaaaaaaaa";
    public const string V2 = "churn-bbbbbbbbbb";
    public const string V3 = "churn-cccccccccc";

    /// <summary>10%, analysis, 50%, a pause only a person ends, analysis.</summary>
    public static IReadOnlyList<RolloutStep> Steps { get; } =
    [
        new() { SetWeight = 10 },
        new() { Analysis = new AnalysisStep() },
        new() { SetWeight = 50 },
        new() { Pause = new PauseStep() },
        new() { Analysis = new AnalysisStep() },
    ];

    /// <summary>A condition as the operator sets it (the CRD requires lastTransitionTime).</summary>
    public static Condition Cond(string type, string status, string reason, string message) =>
        new() { Type = type, Status = status, Reason = reason, Message = message, LastTransitionTime = Now.AddHours(-3) };

    public static ModelDeployment NoStatus(string name = "churn", string ns = "default") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Generation = 1 },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = "churn", Version = "2", Uri = "pvc://models/churn/2/model.onnx", Sha256 = new string('a', 64) },
            Replicas = 3,
            Rollout = new RolloutSpec { Steps = Steps, Analysis = new AnalysisSpec { Interval = "30s" } },
        },
    };

    public static ModelDeployment Healthy(string name = "churn", string ns = "default") => NoStatus(name, ns) with
    {
        Status = new ModelDeploymentStatus
        {
            ObservedGeneration = 1,
            Phase = Phases.Healthy,
            StableRevision = new RevisionRef { Name = V1, ModelVersion = "1" },
            RevisionHistory = [new RevisionHistoryEntry { Name = V1, ModelVersion = "1", Revision = 1, PromotedAt = Now.AddHours(-2) }],
            LastDecision = new RolloutDecision
            {
                Action = DecisionActions.Promote, Reason = Reasons.Promoted, Time = Now.AddHours(-2), Message = $"{V1} is stable",
            },
            Replicas = 3,
            ReadyReplicas = 3,
            Conditions = [Cond(Conditions.Ready, "True", Reasons.Healthy, "3/3 ready")],
        },
    };

    /// <summary>Version 2 at 10%, in the analysis of step 2, the last analysis passed.</summary>
    public static ModelDeployment Canary(string name = "churn", string ns = "default")
    {
        var md = Healthy(name, ns);
        return md with
        {
            Metadata = md.Metadata with { Generation = 2 },
            Status = md.Status! with
            {
                ObservedGeneration = 2,
                Phase = Phases.Progressing,
                CanaryRevision = new RevisionRef { Name = V2, ModelVersion = "2" },
                CanaryWeight = 10,
                CurrentStepIndex = 1,
                CanaryStartTime = Now.AddMinutes(-5),
                Progress = new RolloutProgressStatus { StepStartTime = Now.AddMinutes(-3) },
                LastDecision = new RolloutDecision
                {
                    Action = DecisionActions.Proceed,
                    Reason = Reasons.AnalysisPassed,
                    Metric = "errorRate",
                    ObservedValue = 0.002,
                    Threshold = 0.01,
                    Window = "1m",
                    Samples = 1234,
                    Time = Now.AddMinutes(-2),
                    Message = "analysis passed",
                },
                ReadyReplicas = 4,
                Conditions =
                [
                    Cond(Conditions.Ready, "True", Reasons.Healthy, "3/3 ready"),
                    Cond(Conditions.Progressing, "True", Reasons.Progressing, "step 2 of 5"),
                ],
            },
        };
    }

    /// <summary>The version 2 canary failed its analysis on errors and was rolled back; version 1 serves.</summary>
    public static ModelDeployment RolledBack(string name = "churn", string ns = "default")
    {
        var md = Canary(name, ns);
        return md with
        {
            Status = md.Status! with
            {
                Phase = Phases.RolledBack,
                CanaryRevision = null,
                CanaryWeight = 0,
                CurrentStepIndex = null,
                CanaryStartTime = null,
                Progress = null,
                LastDecision = new RolloutDecision
                {
                    Action = DecisionActions.Rollback,
                    Reason = Reasons.HighErrorRate,
                    Metric = "errorRate",
                    ObservedValue = 0.125,
                    Threshold = 0.01,
                    Window = "1m",
                    Samples = 800,
                    Time = Now.AddMinutes(-5),
                    Message = $"{V2} rolled back: error rate 12.5% above 1%",
                },
                QuarantinedRevisions = [new QuarantinedRevision { Name = V2, ModelVersion = "2", Reason = Reasons.HighErrorRate, Time = Now.AddMinutes(-5) }],
                Conditions =
                [
                    Cond(Conditions.Ready, "True", Reasons.Healthy, "3/3 ready"),
                    Cond(Conditions.RolledBack, "True", Reasons.HighErrorRate, "error rate 12.5% above 1%"),
                ],
            },
        };
    }

    /// <summary>The canary held by spec.paused for ten minutes.</summary>
    public static ModelDeployment PausedBySpec(string name = "churn", string ns = "default")
    {
        var md = Canary(name, ns);
        return md with
        {
            Spec = md.Spec! with { Paused = true },
            Status = md.Status! with
            {
                Phase = Phases.Paused,
                PauseStartTime = Now.AddMinutes(-10),
                Progress = md.Status.Progress! with { ManualPauseStartTime = Now.AddMinutes(-10) },
                LastDecision = new RolloutDecision { Action = DecisionActions.Pause, Reason = Reasons.Paused, Time = Now.AddMinutes(-10), Message = "paused by spec.paused" },
            },
        };
    }

    /// <summary>At 50%, waiting at the fourth step: a pause without duration.</summary>
    public static ModelDeployment PausedAtStep(string name = "churn", string ns = "default")
    {
        var md = Canary(name, ns);
        return md with
        {
            Status = md.Status! with
            {
                Phase = Phases.Paused,
                CanaryWeight = 50,
                CurrentStepIndex = 3,
                PauseStartTime = Now.AddMinutes(-20),
                LastDecision = new RolloutDecision
                {
                    Action = DecisionActions.Pause, Reason = Reasons.Paused, Time = Now.AddMinutes(-20), Message = "paused at step 4 until the promote action",
                },
            },
        };
    }

    /// <summary>Version 2 promoted a minute ago and baking for four more minutes; version 1 stays warm.</summary>
    public static ModelDeployment Baking(string name = "churn", string ns = "default")
    {
        var md = Healthy(name, ns);
        return md with
        {
            Metadata = md.Metadata with { Generation = 2 },
            Status = md.Status! with
            {
                ObservedGeneration = 2,
                StableRevision = new RevisionRef { Name = V2, ModelVersion = "2" },
                BakeUntil = Now.AddMinutes(4),
                RevisionHistory =
                [
                    new RevisionHistoryEntry { Name = V1, ModelVersion = "1", Revision = 1, PromotedAt = Now.AddHours(-2) },
                    new RevisionHistoryEntry { Name = V2, ModelVersion = "2", Revision = 2, PromotedAt = Now.AddMinutes(-1) },
                ],
                LastDecision = new RolloutDecision { Action = DecisionActions.Promote, Reason = Reasons.Promoted, Time = Now.AddMinutes(-1), Message = $"{V2} promoted" },
            },
        };
    }

    /// <summary>Three promotions (v1, v2, v3), v3 stable: undo has two revisions to go back to.</summary>
    public static ModelDeployment ThreePromotions(string name = "churn", string ns = "default")
    {
        var md = Healthy(name, ns);
        return md with
        {
            Status = md.Status! with
            {
                StableRevision = new RevisionRef { Name = V3, ModelVersion = "3" },
                RevisionHistory =
                [
                    new RevisionHistoryEntry { Name = V1, ModelVersion = "1", Revision = 1, PromotedAt = Now.AddDays(-3) },
                    new RevisionHistoryEntry { Name = V2, ModelVersion = "2", Revision = 2, PromotedAt = Now.AddDays(-2) },
                    new RevisionHistoryEntry { Name = V3, ModelVersion = "3", Revision = 3, PromotedAt = Now.AddHours(-1) },
                ],
            },
        };
    }
}
