namespace ModelOperator.Rollouts.Canary;

/// <summary>
/// Replica and weight arithmetic of a canary (compare Argo Rollouts' <c>utils/replicaset/canary.go</c>).
/// Every function is pure and total over its documented domain; arguments outside it throw
/// <see cref="ArgumentOutOfRangeException"/> naming the argument, the value and what is allowed.
/// </summary>
public static class CanaryMath
{
    /// <summary>
    /// Splits <paramref name="total"/> replicas between stable and canary for a canary weight.
    /// </summary>
    /// <remarks>
    /// <para><b>Replica ratio</b> (one Service over both revisions, traffic follows ready pods):</para>
    /// <code>
    /// w = 0        : canary = 0,                                stable = total
    /// w = 100      : canary = total,                            stable = 0
    /// 0 &lt; w &lt; 100 : canary = max(1, ceil(total × w / 100)),     stable = max(1, total − canary)
    /// </code>
    /// <para>
    /// Rounding goes up for the canary, as in Argo Rollouts: the canary gets at least its share, so the analysis sees
    /// enough traffic and the last step before 100 never leaves the canary short. Both revisions keep at least one
    /// pod while 0 &lt; w &lt; 100, which means a total of 1 surges to 2 pods (the only way to run a canary beside
    /// the stable), and a high weight may surge by one (total 5, w 90: canary 5, stable 1).
    /// </para>
    /// <para><b>Gateway API</b> (an HTTPRoute splits traffic by weights): the stable revision keeps the full
    /// <paramref name="total"/> until the rollout ends, so an abort can send all traffic back at once without waiting
    /// for pods; the canary gets capacity for its share:</para>
    /// <code>
    /// w = 0   : canary = 0,                              stable = total
    /// w &gt; 0   : canary = max(1, ceil(total × w / 100)),   stable = total   (w = 100 included: stable stays warm)
    /// </code>
    /// <para>A total of 0 (scaled to zero) gives 0 and 0 in both modes: nothing runs, nothing is split.</para>
    /// <para>Worked examples (replica ratio): total 10, w 25 → canary 3, stable 7 (effective 30 %);
    /// total 3, w 10 → canary 1, stable 2; total 1, w 50 → canary 1, stable 1; total 4, w 100 → canary 4, stable 0.
    /// Gateway API: total 10, w 25 → canary 3, stable 10; total 1, w 1 → canary 1, stable 1.</para>
    /// </remarks>
    /// <param name="total">Desired replicas of the whole deployment, ≥ 0.</param>
    /// <param name="weight">Canary weight in percent, 0 to 100.</param>
    /// <param name="mode">How traffic is routed.</param>
    public static ReplicaSplit Split(int total, int weight, TrafficRoutingMode mode)
    {
        RequireNonNegative(total, nameof(total));
        RequireWeight(weight, nameof(weight));
        if (total == 0)
        {
            return new ReplicaSplit(0, 0);
        }

        if (weight == 0)
        {
            return new ReplicaSplit(total, 0);
        }

        var canary = Math.Max(1, CeilShare(total, weight));
        return mode switch
        {
            TrafficRoutingMode.ReplicaRatio when weight == 100 => new ReplicaSplit(0, total),
            TrafficRoutingMode.ReplicaRatio => new ReplicaSplit(Math.Max(1, total - canary), canary),
            TrafficRoutingMode.GatewayApi => new ReplicaSplit(total, canary),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Traffic routing mode must be ReplicaRatio or GatewayApi."),
        };
    }

    /// <summary>
    /// The total to split when autoscaling: the sum of the two revisions' own recommendations, clamped to the
    /// autoscaling range.
    /// </summary>
    /// <remarks>
    /// <code>total = clamp(stableHint + canaryHint, min, max)</code>
    /// Each hint is computed from the traffic its revision serves now, so their sum is the capacity the whole
    /// deployment needs; <see cref="Split"/> then places it by the weight. Examples: hints 4 and 1, range [1, 10] → 5;
    /// hints 8 and 6, range [2, 10] → 10; hints 0 and 0, range [1, 5] → 1.
    /// </remarks>
    /// <param name="stableHint">Recommended replicas of the stable revision, ≥ 0.</param>
    /// <param name="canaryHint">Recommended replicas of the canary revision, ≥ 0 (0 when there is no canary).</param>
    /// <param name="minReplicas">Lower bound, ≥ 0.</param>
    /// <param name="maxReplicas">Upper bound, ≥ <paramref name="minReplicas"/>.</param>
    public static int TotalFromHints(int stableHint, int canaryHint, int minReplicas, int maxReplicas)
    {
        RequireNonNegative(stableHint, nameof(stableHint));
        RequireNonNegative(canaryHint, nameof(canaryHint));
        RequireNonNegative(minReplicas, nameof(minReplicas));
        if (maxReplicas < minReplicas)
        {
            throw new ArgumentOutOfRangeException(nameof(maxReplicas), maxReplicas, $"maxReplicas must be at least minReplicas ({minReplicas}).");
        }

        var sum = (long)stableHint + canaryHint;
        return (int)Math.Clamp(sum, minReplicas, maxReplicas);
    }

    /// <summary>
    /// The share of traffic the canary actually receives, in percent, as reported in <c>status.canaryWeight</c>.
    /// </summary>
    /// <remarks>
    /// <para><b>Replica ratio</b>: traffic follows ready endpoints, so</para>
    /// <code>effective = round(100 × canaryReady / (stableReady + canaryReady))   (half away from zero; 0 when no pod is ready)</code>
    /// <para><b>Gateway API</b>: the route's weight is the share, once the canary has a ready pod to receive it:</para>
    /// <code>effective = canaryReady &gt; 0 ? weight : 0</code>
    /// <para>Examples: ready 7 and 3 → 30; ready 2 and 1 → 33; ready 1 and 2 → 67; ready 0 and 0 → 0; ready 0 and 3 → 100.
    /// Gateway API with weight 25: canary ready 2 → 25, canary ready 0 → 0.</para>
    /// </remarks>
    /// <param name="mode">How traffic is routed.</param>
    /// <param name="weight">The canary weight set on the route (Gateway API) or planned (replica ratio), 0 to 100.</param>
    /// <param name="stableReady">Ready pods of the stable revision, ≥ 0.</param>
    /// <param name="canaryReady">Ready pods of the canary revision, ≥ 0.</param>
    public static int EffectiveWeight(TrafficRoutingMode mode, int weight, int stableReady, int canaryReady)
    {
        RequireWeight(weight, nameof(weight));
        RequireNonNegative(stableReady, nameof(stableReady));
        RequireNonNegative(canaryReady, nameof(canaryReady));
        switch (mode)
        {
            case TrafficRoutingMode.ReplicaRatio:
                var ready = (long)stableReady + canaryReady;
                return ready == 0 ? 0 : (int)Math.Round(100.0 * canaryReady / ready, MidpointRounding.AwayFromZero);
            case TrafficRoutingMode.GatewayApi:
                return canaryReady > 0 ? weight : 0;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Traffic routing mode must be ReplicaRatio or GatewayApi.");
        }
    }

    /// <summary>ceil(total × weight / 100) in integers (no floating point error at exact multiples).</summary>
    private static int CeilShare(int total, int weight) => (int)(((long)total * weight + 99) / 100);

    private static void RequireNonNegative(int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be 0 or more.");
        }
    }

    private static void RequireWeight(int value, string name)
    {
        if (value is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a percentage from 0 to 100.");
        }
    }
}
