namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// The outcome of judging a measurement. The numeric order is the severity order used when combining verdicts:
/// the worst wins, <c>Failed &gt; Error &gt; Inconclusive &gt; Successful</c>.
/// </summary>
public enum Verdict
{
    /// <summary>Enough samples and within the threshold.</summary>
    Successful = 0,

    /// <summary>No decision possible yet: too few samples, no data, a NaN value, or pods still starting. The rollout waits.</summary>
    Inconclusive = 1,

    /// <summary>The provider could not measure (unreachable, bad query, impossible value). Counts toward the failure limit as its own streak.</summary>
    Error = 2,

    /// <summary>A threshold was crossed or the pods are unhealthy.</summary>
    Failed = 3,
}
