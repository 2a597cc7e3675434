namespace ModelOperator.Rollouts.Autoscaling;

/// <summary>A past recommendation, kept (in status) for scale-down stabilization.</summary>
public readonly record struct RecommendationSample(DateTimeOffset Time, int Replicas);
