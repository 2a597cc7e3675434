using System.Globalization;

namespace ModelOperator.Rollouts.Autoscaling;

/// <summary>
/// Recommends a replica count for one revision from its load (the operator's own autoscaler: the model server's
/// in-flight requests and latency are better signals than CPU). Pure: the stabilization memory comes in and goes out.
/// </summary>
public static class AutoscalingAdvisor
{
    /// <summary>A latency ratio within 1 ± this is "on target" (as the HPA's default tolerance).</summary>
    public const double Tolerance = 0.1;

    /// <summary>Extra capacity per minute of model load time when scaling up.</summary>
    public const double HeadroomPerLoadMinute = 0.1;

    /// <summary>The most extra capacity load time can add.</summary>
    public const double MaxHeadroom = 0.5;

    /// <summary>The most past recommendations kept (the oldest, highest, goes first).</summary>
    public const int MaxHistory = 16;

    /// <summary>
    /// The recommended replicas for a revision.
    /// </summary>
    /// <remarks>
    /// <para>1. In flight (Little's law, L = λ·W): the measured in-flight count L, or, when it is unknown, throughput × p95
    /// latency (an upper estimate, since p95 ≥ the mean):</para>
    /// <code>byInFlight = ceil(L / targetInFlightPerPod)</code>
    /// <para>2. Latency pressure, with r = p95 / targetP95Latency and c = max(current, 1):</para>
    /// <code>
    /// r &gt; 1 + 0.1                                   → byLatency = ceil(c × r)
    /// r &lt; 1 − 0.1 and no in-flight target           → byLatency = ceil(c × r)   (latency is the only signal)
    /// otherwise                                     → no opinion
    /// </code>
    /// <para>3. raw = the largest opinion; with none (NaN inputs, no target measurable) raw = current (hold).</para>
    /// <para>4. Slow starts: when raw &gt; current, add headroom for the model load time t (minutes):
    /// <c>raw = ceil(raw × (1 + min(0.5, 0.1 × t)))</c>: load grows while new pods load.</para>
    /// <para>5. <c>desired = clamp(raw, min, max)</c>.</para>
    /// <para>6. Scale-down stabilization: scaling up is immediate; scaling down goes to the highest recommendation of the
    /// last <c>scaleDownStabilization</c> (never above current):
    /// <c>replicas = desired ≥ current ? desired : min(current, max(desired, recommendations within the window))</c>.
    /// With no memory at all (a new revision, an empty status), the running count counts as recommended now, so the first
    /// scale-down also waits a full window. The memory keeps only recommendations higher than every later one (a later, higher one covers any window the
    /// earlier could be in), so it stays short.</para>
    /// <para>Examples (target 4 in flight per pod, range [1, 10]): 0 in flight, 3 running, no history → desired 1, but
    /// the running 3 count as recommended now → 3 (one window later, 1). 18 in flight, 2 running, load 2 min → ceil(18/4)=5, headroom
    /// 20% → 6. 100 in flight → 10 (max). p95 300ms against 100ms with 2 running → 6. All NaN with 4 running → 4.</para>
    /// </remarks>
    /// <param name="observation">The revision's load.</param>
    /// <param name="target">The autoscaling spec.</param>
    /// <param name="history">Past recommendations (from status); null means none.</param>
    /// <param name="now">The time of this recommendation.</param>
    public static ReplicaRecommendation Recommend(
        LoadObservation observation,
        AutoscalingTarget target,
        IReadOnlyList<RecommendationSample>? history,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(target);
        Validate(observation, target);

        var current = observation.CurrentReplicas;
        var inFlight = Known(observation.InFlight);
        var p95 = Known(observation.P95Latency);
        var throughput = Known(observation.Throughput);
        if (inFlight is null && throughput is { } rate && p95 is { } latency)
        {
            inFlight = rate * latency;
        }

        int? byInFlight = null;
        if (target.TargetInFlightPerPod is { } perPod && inFlight is { } load)
        {
            byInFlight = CeilingCount(load / perPod);
        }

        int? byLatency = null;
        if (target.TargetP95Latency is { } latencyTarget && p95 is { } observed)
        {
            var ratio = observed / latencyTarget;
            var basis = Math.Max(current, 1);
            if (ratio > 1 + Tolerance || (ratio < 1 - Tolerance && target.TargetInFlightPerPod is null))
            {
                byLatency = CeilingCount(basis * ratio);
            }
        }

        string decidedBy;
        int raw;
        if (byInFlight is null && byLatency is null)
        {
            (raw, decidedBy) = (current, "hold");
        }
        else if ((byLatency ?? -1) > (byInFlight ?? -1))
        {
            (raw, decidedBy) = (byLatency!.Value, "p95Latency");
        }
        else
        {
            (raw, decidedBy) = (byInFlight!.Value, "inFlight");
        }

        if (raw > current && Known(observation.ModelLoadTime) is { } loadSeconds)
        {
            var headroom = Math.Min(MaxHeadroom, HeadroomPerLoadMinute * loadSeconds / 60);
            raw = CeilingCount(raw * (1 + headroom));
        }

        var desired = Math.Clamp(raw, target.MinReplicas, target.MaxReplicas);
        var (replicas, memory) = Stabilize(desired, current, history, target.ScaleDownStabilization, now);

        var explanation = string.Create(CultureInfo.InvariantCulture,
            $"{decidedBy}: in flight {Show(inFlight)}, p95 {Show(p95)}s, {current} running → desired {desired} (range {target.MinReplicas}-{target.MaxReplicas}), {replicas} after scale-down stabilization");
        return new ReplicaRecommendation(replicas, desired, decidedBy, memory, explanation);
    }

    /// <summary>
    /// Scale-down stabilization on its own (step 6 of <see cref="Recommend"/>), for a count that is recommended
    /// elsewhere, e.g. a deployment's total over its revisions.
    /// </summary>
    /// <remarks>
    /// <code>replicas = desired ≥ current ? desired : min(current, max(desired, recommendations within (now − window, now]))</code>
    /// An empty memory counts <paramref name="current"/> as recommended now. The returned memory holds only samples higher
    /// than every later one, at most <see cref="MaxHistory"/>, and is empty at rest (desired = current, nothing higher
    /// remembered), so a steady revision's status does not change with the clock. Examples (window 5m): desired 3, current 8, memory
    /// [(now−1m, 8)] → 8; memory [(now−6m, 8)] → 3; desired 9, current 8 → 9.
    /// </remarks>
    public static (int Replicas, IReadOnlyList<RecommendationSample> Memory) Stabilize(
        int desired, int current, IReadOnlyList<RecommendationSample>? history, TimeSpan window, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(desired);
        ArgumentOutOfRangeException.ThrowIfNegative(current);
        var windowStart = now - window;
        var recent = history is { Count: > 0 }
            ? history.Where(s => s.Time > windowStart && s.Time <= now).ToList()
            : [new RecommendationSample(now, current)]; // no memory yet: the running count counts as recommended now
        var replicas = desired >= current
            ? desired
            : Math.Min(current, Math.Max(desired, recent.Count == 0 ? desired : recent.Max(s => s.Replicas)));

        var memory = Dominant(recent.Append(new RecommendationSample(now, desired)));
        if (memory.Count > MaxHistory)
        {
            memory = memory.Skip(memory.Count - MaxHistory).ToList();
        }

        // At rest (the count running is the count recommended, and nothing higher is remembered) the memory would be one
        // sample stamped now, which an empty memory means as well: keeping none leaves status unchanged from one resync
        // to the next instead of rewriting a timestamp every time.
        if (memory is [var only] && only.Replicas == current)
        {
            memory = [];
        }

        return (replicas, memory);
    }

    /// <summary>The samples (in time order) whose value is higher than that of every later sample; the last is always kept.</summary>
    private static List<RecommendationSample> Dominant(IEnumerable<RecommendationSample> samples)
    {
        var kept = new List<RecommendationSample>();
        foreach (var sample in samples.OrderBy(s => s.Time))
        {
            while (kept.Count > 0 && kept[^1].Replicas <= sample.Replicas)
            {
                kept.RemoveAt(kept.Count - 1);
            }

            kept.Add(sample);
        }

        return kept;
    }

    private static void Validate(LoadObservation observation, AutoscalingTarget target)
    {
        if (observation.CurrentReplicas < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(observation), observation.CurrentReplicas, "CurrentReplicas must be 0 or more.");
        }

        if (target.MinReplicas < 0 || target.MaxReplicas < target.MinReplicas)
        {
            throw new ArgumentOutOfRangeException(nameof(target), $"{target.MinReplicas}-{target.MaxReplicas}",
                "The replica range must have 0 ≤ minReplicas ≤ maxReplicas.");
        }

        if (target.TargetInFlightPerPod is <= 0 or double.NaN || target.TargetP95Latency is <= 0 or double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(target), "Targets must be greater than 0 when set.");
        }

        if (target.ScaleDownStabilization < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target.ScaleDownStabilization, "ScaleDownStabilization must not be negative.");
        }
    }

    /// <summary>A usable (finite, non-negative) value, or null.</summary>
    private static double? Known(double value) => double.IsFinite(value) && value >= 0 ? value : null;

    /// <summary>ceil(x), tolerant of floating point noise just above an integer (2.0000000001 → 2), capped at int.MaxValue.</summary>
    private static int CeilingCount(double x) => (int)Math.Min(int.MaxValue, Math.Ceiling(x - 1e-9));

    private static string Show(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "unknown";
}
