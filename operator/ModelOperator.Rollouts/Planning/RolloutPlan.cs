using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// What the operator should make true, computed by <see cref="RolloutPlanner.Plan"/>. Applying it is idempotent.
/// </summary>
public sealed record RolloutPlan
{
    /// <summary>
    /// Every revision Deployment that should exist, with its replicas and its resolved spec (the builders apply no
    /// default); Deployments of the ModelDeployment not listed here are deleted. Null means "change no child object"
    /// (an invalid spec, or a plan blocked by an object in the way).
    /// </summary>
    public IReadOnlyList<DesiredRevision>? Revisions { get; init; }

    /// <summary>Where traffic goes; null means "leave it" (an invalid spec).</summary>
    public TrafficPlan? Traffic { get; init; }

    /// <summary>The complete next status, to be written through <c>/status</c> when it differs from the current one.</summary>
    public required ModelDeploymentStatus Status { get; init; }

    /// <summary>
    /// Annotations of the ModelDeployment to set (a value) or remove (null): the manual action annotations
    /// (<c>modeloperator.io/action</c>, <c>modeloperator.io/undo-revision</c>) once handled. The rollout's progress is in
    /// <see cref="Status"/>, not here.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Annotations { get; init; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Events to record, in order.</summary>
    public IReadOnlyList<PlannedEvent> Events { get; init; } = [];

    /// <summary>When to plan again even if nothing changes (a pause ending, the next analysis, a deadline); null: only on change.</summary>
    public TimeSpan? RequeueAfter { get; init; }

    /// <summary>The analysis the operator should measure before the next plan, when one is due or will be.</summary>
    public PendingAnalysis? NextAnalysis { get; init; }

    /// <summary>
    /// While a shadow step runs, what the stable revision's servers should mirror to the canary; null otherwise (the
    /// instruction is removed, so no server mirrors). Null too when <see cref="Revisions"/> is null (change nothing).
    /// </summary>
    public ShadowPlan? Shadow { get; init; }

    /// <summary>
    /// The webhook calls due now (spec.rollout.webhooks), to be made in the background; their results come back to the
    /// next plan as <see cref="WebhookResult"/>s and are recorded in <c>status.webhooks</c>.
    /// </summary>
    public IReadOnlyList<WebhookCall> WebhookCalls { get; init; } = [];
}

/// <summary>What to measure next and from when.</summary>
/// <param name="Revision">The revision to measure (canary, or the promoted one while baking).</param>
/// <param name="Baseline">The revision to compare predictions with (prediction drift); null when there is none.</param>
/// <param name="Window">The window each measurement covers (the analysis interval).</param>
/// <param name="DueAt">The earliest time a measurement counts; measurements taken earlier are ignored.</param>
/// <param name="DriftWindow">The revision's servers' own feature drift window (<c>DRIFT_WINDOW</c>), which feature drift
/// is measured over instead of <paramref name="Window"/>; null when unknown.</param>
public sealed record PendingAnalysis(string Revision, string? Baseline, TimeSpan Window, DateTimeOffset DueAt, TimeSpan? DriftWindow = null)
{
    /// <summary>
    /// A shadow step: measure the copies <see cref="Baseline"/>'s (stable) servers sent <see cref="Revision"/> (its
    /// error rate and p99 on them, and the disagreement) and mark the result <see cref="AnalysisResult.Shadow"/>.
    /// </summary>
    public bool Shadow { get; init; }
}
