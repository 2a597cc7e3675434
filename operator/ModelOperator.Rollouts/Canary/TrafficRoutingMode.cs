namespace ModelOperator.Rollouts.Canary;

/// <summary>How traffic reaches the revisions, which decides how replicas relate to the canary weight.</summary>
public enum TrafficRoutingMode
{
    /// <summary>
    /// One Service selects the pods of both revisions, so traffic splits by the number of ready pods.
    /// The canary weight is achieved (approximately) by the replica ratio.
    /// </summary>
    ReplicaRatio,

    /// <summary>
    /// A Gateway API HTTPRoute splits traffic by backend weights, independently of replica counts.
    /// Replicas only need to carry the share of traffic each revision receives.
    /// </summary>
    GatewayApi,
}
