using ModelOperator.Api;

namespace ModelOperator.Rollouts.Autoscaling;

/// <summary>The autoscaling spec in numbers (latency in seconds).</summary>
public sealed record AutoscalingTarget
{
    public int MinReplicas { get; init; } = ModelDeploymentDefaults.MinReplicas;

    public required int MaxReplicas { get; init; }

    /// <summary>Desired average requests in flight per pod, &gt; 0.</summary>
    public double? TargetInFlightPerPod { get; init; }

    /// <summary>Desired p95 latency in seconds, &gt; 0.</summary>
    public double? TargetP95Latency { get; init; }

    /// <summary>How long a lower recommendation must persist before pods are removed.</summary>
    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Reads <c>spec.autoscaling</c> with the API defaults.</summary>
    /// <exception cref="FormatException">A duration is malformed (validation should have caught it first).</exception>
    public static AutoscalingTarget FromSpec(AutoscalingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new AutoscalingTarget
        {
            MinReplicas = spec.MinReplicas ?? ModelDeploymentDefaults.MinReplicas,
            MaxReplicas = spec.MaxReplicas ?? spec.MinReplicas ?? ModelDeploymentDefaults.MinReplicas,
            TargetInFlightPerPod = spec.TargetInFlightPerPod,
            TargetP95Latency = spec.TargetP95Latency is { } latency ? GoDuration.Parse(latency).TotalSeconds : null,
            ScaleDownStabilization = GoDuration.ParseOrDefault(spec.ScaleDownStabilization, ModelDeploymentDefaults.ScaleDownStabilization),
        };
    }
}
