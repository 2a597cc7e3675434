namespace ModelOperator.Rollouts.Autoscaling;

/// <summary>
/// What a revision's pods are doing, summed over its pods. Unknown values are NaN (a provider that could not
/// measure), never guessed. Negative values are treated as unknown.
/// </summary>
public sealed record LoadObservation
{
    /// <summary>Requests completed per second, over all pods.</summary>
    public double Throughput { get; init; } = double.NaN;

    /// <summary>Requests in flight (being queued or run), over all pods.</summary>
    public double InFlight { get; init; } = double.NaN;

    /// <summary>95th percentile request latency, in seconds.</summary>
    public double P95Latency { get; init; } = double.NaN;

    /// <summary>How long a new pod takes to load the model and become ready, in seconds.</summary>
    public double ModelLoadTime { get; init; } = double.NaN;

    /// <summary>Replicas the revision runs now (its Deployment's spec.replicas), ≥ 0.</summary>
    public int CurrentReplicas { get; init; }
}
