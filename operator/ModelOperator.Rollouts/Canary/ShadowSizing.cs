using ModelOperator.Api;

namespace ModelOperator.Rollouts.Canary;

/// <summary>How many pods the canary runs during a shadow step (pure).</summary>
public static class ShadowSizing
{
    /// <summary>
    /// The canary's replicas while shadow step <paramref name="index"/> runs: as many as it will have at the first
    /// <c>setWeight</c> above 0 after the step (<see cref="CanaryMath.Split"/> of <paramref name="total"/> at that weight),
    /// so the copies meet the capacity users will meet next and the step after it starts with its pods warm. Without
    /// such a step (the shadow step is the last, or only pauses and analysis follow), one pod.
    /// </summary>
    /// <remarks>
    /// <code>
    /// total = 0                          : 0  (scaled to zero: no live requests to copy)
    /// next setWeight w &gt; 0 after index   : Split(total, w, mode).Canary   (≥ 1)
    /// none                               : 1
    /// </code>
    /// Worked examples: total 10, steps [shadow, setWeight 20] → 2; total 3, [shadow, setWeight 50, setWeight 100] → 2;
    /// total 1, [shadow, setWeight 10] → 1; total 4, [shadow] → 1; total 4, [shadow, setWeight 0, setWeight 100]
    /// → 4 (setWeight 0 routes nothing, so the first step that does is 100); total 0 → 0.
    /// The copies a stable pod sends are a share of its own requests, so their rate does not depend on this count; the
    /// count bounds how busy each canary pod is (and so its latency on the copies).
    /// </remarks>
    /// <param name="total">Desired replicas of the whole deployment, ≥ 0.</param>
    /// <param name="steps">The rollout's steps.</param>
    /// <param name="index">The index of the shadow step.</param>
    /// <param name="mode">How traffic will be routed.</param>
    public static int CandidateReplicas(int total, IReadOnlyList<RolloutStep> steps, int index, TrafficRoutingMode mode)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (total == 0)
        {
            return 0;
        }

        for (var i = index + 1; i < steps.Count; i++)
        {
            if (steps[i].SetWeight is { } weight && weight > 0)
            {
                return Math.Max(1, CanaryMath.Split(total, weight, mode).Canary);
            }
        }

        return 1;
    }
}
