using ModelOperator.Api.Schema;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api;

/// <summary>What the operator observed and decided. Progress lives here so a restarted operator resumes.</summary>
[Description("What the operator observed and decided. The rollout's progress is kept here, so a restarted operator resumes where the last one stopped.")]
public sealed record ModelDeploymentStatus
{
    [Description("The metadata.generation this status describes.")]
    public long? ObservedGeneration { get; init; }

    [Description("A one-word summary; the conditions carry the detail.")]
    [Enum(typeof(Phases))]
    public string? Phase { get; init; }

    [Description("The latest observations of the deployment's state: Ready, Progressing, Degraded, RolledBack, ModelReady and ModelVerified.")]
    [ItemDescription("Condition contains details for one aspect of the current state of this API Resource.")]
    [ListMap("type")]
    public IReadOnlyList<Condition>? Conditions { get; init; }

    [Description("The revision that serves the traffic not sent to the canary.")]
    public RevisionRef? StableRevision { get; init; }

    [Description("The revision being rolled out; absent when no canary is running.")]
    public RevisionRef? CanaryRevision { get; init; }

    [Description("The percentage of traffic (0-100) currently sent to the canary.")]
    [Range(0, 100)]
    public int? CanaryWeight { get; init; }

    [Description("The index in spec.rollout.steps of the step being run; equal to the number of steps once all are done.")]
    [Range(0, 50)]
    public int? CurrentStepIndex { get; init; }

    [Description("A hash of spec.rollout.steps when the canary started; a different hash restarts the steps.")]
    public string? StepsHash { get; init; }

    [Description("When the current pause began.")]
    public DateTimeOffset? PauseStartTime { get; init; }

    [Description("When the current canary started (the start of its first step).")]
    public DateTimeOffset? CanaryStartTime { get; init; }

    [Description("Until when the newly promoted revision stays under guard (spec.rollout.bakeTime after promotion).")]
    public DateTimeOffset? BakeUntil { get; init; }

    [Description("The rollout's bookkeeping between reconciles (step timing, analysis streaks, pause and scaling memory), so that a restarted operator resumes exactly where the last one stopped. Written by the operator only.")]
    public RolloutProgressStatus? Progress { get; init; }

    [Description("The last decision the operator took and the evidence behind it.")]
    public RolloutDecision? LastDecision { get; init; }

    [Description("Promoted revisions, oldest first, at most 10; the numbers are what the undo action takes.")]
    [Items(0, ModelDeploymentDefaults.RevisionHistoryLimit)]
    public IReadOnlyList<RevisionHistoryEntry>? RevisionHistory { get; init; }

    [Description("Revisions that failed as a canary and are not rolled out again until the retry action, oldest first, at most 10.")]
    [Items(0, ModelDeploymentDefaults.QuarantineLimit)]
    public IReadOnlyList<QuarantinedRevision>? QuarantinedRevisions { get; init; }

    [Description("The replica count autoscaling recommends for each running revision.")]
    [Items(0, 2)]
    public IReadOnlyList<RecommendedReplicas>? RecommendedReplicas { get; init; }

    [Description("The stable revision's input drift per feature (score, threshold, since when), measured every analysis interval when spec.model.profile is set.")]
    public StableDriftStatus? StableDrift { get; init; }

    [Description("The calls of spec.rollout.webhooks at the points of the current and the last rollouts, oldest first, at most 32.")]
    [Items(0, WebhookLedgerLimit)]
    public IReadOnlyList<WebhookCallStatus>? Webhooks { get; init; }

    /// <summary>The most webhook records status keeps (the unfinished ones are always among them).</summary>
    public const int WebhookLedgerLimit = 32;

    [Description("The number of serving pods of the stable revision (the scale subresource's status.replicas).")]
    [Range(0, double.NaN)]
    public int? Replicas { get; init; }

    [Description("The number of ready serving pods, stable and canary.")]
    [Range(0, double.NaN)]
    public int? ReadyReplicas { get; init; }

    [Description("The label selector of the serving pods in string form, for the scale subresource and HPAs.")]
    public string? Selector { get; init; }
}

/// <summary>A revision and the model version it serves.</summary>
[Description("A revision and the model version it serves.")]
public sealed record RevisionRef
{
    [Description("The revision name, <deployment>-<10 hex of the pod spec hash>.")]
    [Required]
    public string? Name { get; init; }

    [Description("The spec.model.version the revision serves.")]
    public string? ModelVersion { get; init; }
}

/// <summary>The last decision and its evidence.</summary>
[Description("A decision and its evidence.")]
public sealed record RolloutDecision
{
    [Description("What was decided: Proceed, Pause, Resume, Promote, Rollback, Retry, Undo or Reject.")]
    [Required]
    public string? Action { get; init; }

    [Description("Why, as a CamelCase reason (e.g. AnalysisPassed, HighErrorRate, ManualAbort).")]
    public string? Reason { get; init; }

    [Description("The metric that decided, e.g. errorRate, p99Latency, predictionDrift, featureDrift.")]
    public string? Metric { get; init; }

    [Description("The measured value of the metric.")]
    public double? ObservedValue { get; init; }

    [Description("The threshold the value was compared with.")]
    public double? Threshold { get; init; }

    [Description("The window the measurement covered, as a duration.")]
    public string? Window { get; init; }

    [Description("How many requests the measurement saw.")]
    public long? Samples { get; init; }

    [Description("When the decision was taken.")]
    public DateTimeOffset? Time { get; init; }

    [Description("A human-readable account of the decision.")]
    public string? Message { get; init; }

    [Description("During a shadow step: what the stable revision's servers saw of the copies they sent the canary.")]
    public ShadowDecision? Shadow { get; init; }

    [Description("For drift and data-quality decisions: the features (or outputs) that moved most, worst first, at most 3.")]
    [Items(0, 3)]
    public IReadOnlyList<DecisionCause>? Causes { get; init; }
}

/// <summary>A feature or output named as the cause of a decision.</summary>
[Description("A feature or output named as the cause of a drift or data-quality decision, with its evidence.")]
public sealed record DecisionCause
{
    [Description("The feature (column) or output name.")]
    [Required]
    [Length(1, 64)]
    public string? Name { get; init; }

    [Description("Its score: PSI for drift, a share from 0 to 1 for data quality.")]
    public double? Score { get; init; }

    [Description("How many values the score rests on.")]
    public long? Samples { get; init; }

    [Description("Reference against live in words and numbers (unseen share, the bins that gained and lost most, the mean before and after; for predictions, the share above a bound on stable and canary).")]
    [Length(0, 200)]
    public string? Summary { get; init; }

    [Description("When the model server first saw it cross its drift threshold in the current episode.")]
    public DateTimeOffset? Since { get; init; }
}

/// <summary>A promoted revision.</summary>
[Description("A revision that was promoted to stable.")]
public sealed record RevisionHistoryEntry
{
    [Description("The revision name.")]
    [Required]
    public string? Name { get; init; }

    [Description("The model version it served.")]
    public string? ModelVersion { get; init; }

    [Description("The revision number, increasing with each promotion; the undo action names it.")]
    [Required]
    [Range(1, double.NaN)]
    public long? Revision { get; init; }

    [Description("When it was promoted.")]
    public DateTimeOffset? PromotedAt { get; init; }
}

/// <summary>The planner's bookkeeping between reconciles; progress lives in status, never in memory.</summary>
[Description("The rollout's bookkeeping between reconciles.")]
public sealed record RolloutProgressStatus
{
    [Description("When the current step started (pauses excluded).")]
    public DateTimeOffset? StepStartTime { get; init; }

    [Description("Failed analysis runs in a row, counted against spec.rollout.analysis.failureLimit.")]
    public int? AnalysisFailures { get; init; }

    [Description("Analysis runs in a row that could not measure (provider errors).")]
    public int? AnalysisErrors { get; init; }

    [Description("When the last analysis run was counted.")]
    public DateTimeOffset? LastAnalysisTime { get; init; }

    [Description("When the last analysis run passed.")]
    public DateTimeOffset? LastPassedAnalysisTime { get; init; }

    [Description("Whether the last analysis run was inconclusive (too few samples, no data).")]
    public bool? LastAnalysisInconclusive { get; init; }

    [Description("When spec.paused paused the rollout; the step's clock stops meanwhile.")]
    public DateTimeOffset? ManualPauseStartTime { get; init; }

    [Description("Whether the current pause step without a duration has been seen, so that resuming moves past it.")]
    public bool? PauseStepAcknowledged { get; init; }

    [Description("Recent replica recommendations, newest last, for scale-down stabilization.")]
    public IReadOnlyList<ScaleRecommendation>? ScaleMemory { get; init; }
}

/// <summary>One remembered replica recommendation.</summary>
[Description("One remembered replica recommendation.")]
public sealed record ScaleRecommendation
{
    [Description("When it was made.")]
    [Required]
    public DateTimeOffset? Time { get; init; }

    [Description("The recommended replica count.")]
    [Required]
    public int? Replicas { get; init; }
}

/// <summary>A revision kept from rolling out again.</summary>
[Description("A revision that failed as a canary and is kept from rolling out again.")]
public sealed record QuarantinedRevision
{
    [Description("The revision name.")]
    [Required]
    public string? Name { get; init; }

    [Description("The model version it served.")]
    public string? ModelVersion { get; init; }

    [Description("Why it was quarantined, as a CamelCase reason (e.g. HighErrorRate).")]
    public string? Reason { get; init; }

    [Description("When it was quarantined.")]
    public DateTimeOffset? Time { get; init; }
}

/// <summary>Autoscaling's recommendation for one revision.</summary>
[Description("Autoscaling's recommendation for one revision.")]
public sealed record RecommendedReplicas
{
    [Description("The revision name.")]
    [Required]
    public string? Revision { get; init; }

    [Description("The recommended number of pods.")]
    [Required]
    [Range(0, double.NaN)]
    public int? Replicas { get; init; }
}
