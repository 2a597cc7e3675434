using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>Autoscaling of the serving pods.</summary>
[Description("Autoscaling of the serving pods between minReplicas and maxReplicas. Scaling up follows the targets at once; scaling down waits scaleDownStabilization.")]
[CelRule("!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    "autoscaling.minReplicas must be less than or equal to autoscaling.maxReplicas", FieldPath = ".minReplicas")]
[CelRule("has(self.targetInFlightPerPod) || has(self.targetP95Latency)",
    "autoscaling needs a target: set targetInFlightPerPod, targetP95Latency or both")]
public sealed record AutoscalingSpec
{
    [Description("The fewest pods, at least 1.")]
    [Range(1, 1000)]
    [Default(ModelDeploymentDefaults.MinReplicas)]
    public int? MinReplicas { get; init; }

    [Description("The most pods, at least 1 and not less than minReplicas.")]
    [Required]
    [Range(1, 1000)]
    public int? MaxReplicas { get; init; }

    [Description("Desired average of requests in flight per pod (greater than 0); more in flight adds pods.")]
    [Range(0, 1_000_000, ExclusiveMinimum = true, Allowed = "a number greater than {0} and at most {1} (e.g. 4)")]
    public double? TargetInFlightPerPod { get; init; }

    [Description("Desired 95th percentile request latency as a duration (e.g. 50ms); a higher p95 adds pods.")]
    [Duration]
    public string? TargetP95Latency { get; init; }

    [Description("How long the recommendation must stay lower before pods are removed, as a duration.")]
    [Duration]
    [Default(ModelDeploymentDefaults.ScaleDownStabilization)]
    public string? ScaleDownStabilization { get; init; }
}
