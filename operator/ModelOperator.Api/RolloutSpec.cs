using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>How a new revision replaces the stable one.</summary>
[Description("How a new revision replaces the stable one. Without steps, a new revision is promoted as soon as it is ready.")]
[CelRule("!has(self.steps) || !self.steps.exists(s, has(s.analysis)) || has(self.analysis)",
    "an analysis step needs rollout.analysis (the thresholds to check)", FieldPath = ".steps")]
[CelRule(ShadowStep.NeedsAnalysisRule, ShadowStep.NeedsAnalysisMessage, FieldPath = ".steps")]
[CelRule("!has(self.webhooks) || self.webhooks.all(w, self.webhooks.exists_one(x, x.name == w.name))",
    "webhook names must be unique in spec.rollout.webhooks", FieldPath = ".webhooks")]
public sealed record RolloutSpec
{
    [Description("The canary steps, run in order: setWeight moves traffic, pause waits, analysis checks the thresholds. After the last step the canary is promoted.")]
    [Items(0, 50)]
    public IReadOnlyList<RolloutStep>? Steps { get; init; }

    [Description("What the analysis measures, how often, and the thresholds that roll the canary back.")]
    public AnalysisSpec? Analysis { get; init; }

    [Description("How long one step may take (e.g. waiting for the canary pods to become ready) before the canary is rolled back, as a duration.")]
    [Duration]
    [Default(ModelDeploymentDefaults.ProgressDeadline)]
    public string? ProgressDeadline { get; init; }

    [Description("How long the analysis keeps guarding the new stable revision after promotion, as a duration (every threshold but maxPredictionDrift: the warm previous revision answers no user meanwhile, so there is nothing to compare predictions with); a failure then rolls back to the previous revision. 0s turns it off.")]
    [Duration]
    [Default(ModelDeploymentDefaults.BakeTime)]
    public string? BakeTime { get; init; }

    [Description("HTTP calls at points of the rollout: confirm gates it, check counts as an analysis, notify informs. At most 8.")]
    [Items(0, RolloutWebhook.MaxWebhooks)]
    public IReadOnlyList<RolloutWebhook>? Webhooks { get; init; }

    [Description("How traffic is split between the stable and the canary revision.")]
    [DefaultJson("{\"replicas\":{}}")]
    public TrafficRouting? TrafficRouting { get; init; }
}

/// <summary>One canary step: exactly one of its fields is set.</summary>
[Description("One canary step: exactly one of setWeight, pause, analysis or shadow.")]
[CelRule("[has(self.setWeight), has(self.pause), has(self.analysis), has(self.shadow)].filter(x, x).size() == 1",
    "each rollout step sets exactly one of setWeight, pause, analysis or shadow")]
public sealed record RolloutStep
{
    [Description("Send this percentage of traffic (0-100) to the canary and wait until its pods are ready.")]
    [Range(0, 100, Allowed = "a percentage from {0} to {1}")]
    public int? SetWeight { get; init; }

    [Description("Wait: for the given duration, or without one until the pause is lifted (spec.paused=false after a pause, or the promote action).")]
    public PauseStep? Pause { get; init; }

    [Description("Measure the canary with rollout.analysis until enough samples pass (or a threshold fails, which rolls back).")]
    public AnalysisStep? Analysis { get; init; }

    [Description("Run the canary without user traffic while the stable revision's servers send it a copy of a share of live requests and compare its answers with their own; analysis gates the step on the agreement, the candidate's errors and latency on the copies.")]
    public ShadowStep? Shadow { get; init; }
}

/// <summary>A pause step.</summary>
[Description("A pause step.")]
public sealed record PauseStep
{
    [Description("How long to wait, as a duration (e.g. 2m). Without it, the rollout waits until it is resumed by hand.")]
    [Duration]
    public string? Duration { get; init; }
}

/// <summary>An analysis step; its settings are in <see cref="RolloutSpec.Analysis"/>.</summary>
[Description("An analysis step; the thresholds and provider come from rollout.analysis.")]
public sealed record AnalysisStep;

/// <summary>How traffic is split.</summary>
[Description("How traffic is split: by replica counts behind one Service (replicas) or by weights on a Gateway API HTTPRoute (gatewayAPI).")]
[CelRule("has(self.replicas) != has(self.gatewayAPI)",
    "set exactly one of trafficRouting.replicas or trafficRouting.gatewayAPI")]
public sealed record TrafficRouting
{
    [Description("Split traffic by the ratio of canary to stable pods behind one Service; the weight is approximate for small replica counts.")]
    public ReplicasRouting? Replicas { get; init; }

    [Description("Split traffic by backend weights on an existing Gateway API HTTPRoute that the operator updates.")]
    [System.Text.Json.Serialization.JsonPropertyName("gatewayAPI")]
    public GatewayApiRouting? GatewayApi { get; init; }
}

/// <summary>Replica-ratio routing (no settings).</summary>
[Description("Replica-ratio routing; it has no settings.")]
public sealed record ReplicasRouting;

/// <summary>Gateway API routing.</summary>
[Description("Gateway API routing.")]
[CelRule("size(self.httpRoute) > 0", "trafficRouting.gatewayAPI needs httpRoute: the name of an HTTPRoute in the same namespace", FieldPath = ".httpRoute")]
public sealed record GatewayApiRouting
{
    public const string DnsSubdomainPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    [Description("The name of the HTTPRoute (same namespace) whose backendRefs the operator weights between the stable and canary Services.")]
    [Required]
    [Length(1, 253)]
    [Pattern(DnsSubdomainPattern)]
    public string? HttpRoute { get; init; }
}
