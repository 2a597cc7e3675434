using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>The desired state of a ModelDeployment.</summary>
[Description("The desired state: the model, the pods that serve it, how many, and how a new version rolls out.")]
[CelRule("has(self.replicas) != has(self.autoscaling)",
    "set exactly one of spec.replicas (a fixed count) or spec.autoscaling (a range the operator scales within)")]
[CelRule("!has(self.rollout) || !has(self.rollout.analysis) || !has(self.rollout.analysis.maxFeatureDrift) || has(self.model.profile)",
    "spec.rollout.analysis.maxFeatureDrift compares live inputs with the reference profile: set spec.model.profile (uri and sha256) or remove maxFeatureDrift",
    FieldPath = ".rollout.analysis.maxFeatureDrift")]
[CelRule("!has(self.rollout) || !has(self.rollout.analysis) || !has(self.rollout.analysis.maxUnseenCategoryShare) || has(self.model.profile)",
    "spec.rollout.analysis.maxUnseenCategoryShare judges the canary's inputs against its reference profile: set spec.model.profile (uri and sha256) or remove maxUnseenCategoryShare",
    FieldPath = ".rollout.analysis.maxUnseenCategoryShare")]
[CelRule("!has(self.rollout) || !has(self.rollout.analysis) || !has(self.rollout.analysis.maxNonFiniteShare) || has(self.model.profile)",
    "spec.rollout.analysis.maxNonFiniteShare judges the canary's inputs against its reference profile: set spec.model.profile (uri and sha256) or remove maxNonFiniteShare",
    FieldPath = ".rollout.analysis.maxNonFiniteShare")]
[CelRule("!has(self.rollout) || !has(self.rollout.analysis) || !has(self.rollout.analysis.maxOutOfRangeShare) || has(self.model.profile)",
    "spec.rollout.analysis.maxOutOfRangeShare judges the canary's inputs against its reference profile: set spec.model.profile (uri and sha256) or remove maxOutOfRangeShare",
    FieldPath = ".rollout.analysis.maxOutOfRangeShare")]
public sealed record ModelDeploymentSpec
{
    [Description("The model to serve: name, version, where the file is and its checksum. A change here (or in runtime) makes a new revision and starts a canary.")]
    [Required]
    public ModelSource? Model { get; init; }

    [Description("How the serving pods run: image, resources, environment, batching and scheduling. A change here makes a new revision and starts a canary.")]
    public RuntimeSpec? Runtime { get; init; }

    [Description("A fixed number of serving pods for the stable revision (0 or more). Set this or autoscaling, not both. `kubectl scale` writes this field.")]
    [Range(0, 1000)]
    public int? Replicas { get; init; }

    [Description("Scale the pods between minReplicas and maxReplicas from in-flight requests and/or p95 latency. Set this or replicas, not both.")]
    public AutoscalingSpec? Autoscaling { get; init; }

    [Description("How a new revision replaces the stable one: canary steps, analysis thresholds, deadlines and traffic routing.")]
    public RolloutSpec? Rollout { get; init; }

    [Description("Pause the rollout where it is (true) or resume it (false). While paused, weights and replicas stay as they are; the pause is visible in Git and in status.")]
    [Default(false)]
    public bool? Paused { get; init; }
}
