namespace ModelOperator.Rollouts.Planning;

/// <summary>What a revision is for in the plan.</summary>
public enum RevisionRole
{
    /// <summary>Serves the traffic not sent to the canary.</summary>
    Stable,

    /// <summary>The revision being rolled out.</summary>
    Canary,

    /// <summary>The revision before the last promotion, kept warm (and out of traffic) while the new one bakes.</summary>
    Previous,

    /// <summary>Kept at zero replicas: in the revision history (for undo) or quarantined.</summary>
    Retained,
}
