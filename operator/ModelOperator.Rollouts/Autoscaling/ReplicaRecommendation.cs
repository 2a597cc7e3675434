namespace ModelOperator.Rollouts.Autoscaling;

/// <summary>The result of <see cref="AutoscalingAdvisor.Recommend"/>.</summary>
/// <param name="Replicas">The replicas to run now.</param>
/// <param name="Desired">The clamped recommendation before stabilization (what load asks for now).</param>
/// <param name="Basis">Which signal decided: <c>inFlight</c>, <c>p95Latency</c>, or <c>hold</c> (no usable signal).</param>
/// <param name="History">The stabilization memory to store for the next call.</param>
/// <param name="Explanation">A sentence with the numbers, for Events and logs.</param>
public sealed record ReplicaRecommendation(int Replicas, int Desired, string Basis, IReadOnlyList<RecommendationSample> History, string Explanation);
