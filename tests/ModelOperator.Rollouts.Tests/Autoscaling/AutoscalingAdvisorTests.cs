using ModelOperator.Api;
using ModelOperator.Rollouts.Autoscaling;

namespace ModelOperator.Rollouts.Tests.Autoscaling;

public sealed class AutoscalingAdvisorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const double NaN = double.NaN;

    private static readonly AutoscalingTarget InFlight4 = new() { MinReplicas = 1, MaxReplicas = 10, TargetInFlightPerPod = 4 };
    private static readonly AutoscalingTarget Latency100Ms = new() { MinReplicas = 1, MaxReplicas = 10, TargetP95Latency = 0.1 };
    private static readonly AutoscalingTarget Both = new() { MinReplicas = 1, MaxReplicas = 10, TargetInFlightPerPod = 4, TargetP95Latency = 0.1 };

    public static TheoryData<string, AutoscalingTarget, double, double, double, double, int, int, string> Cases => new()
    {
        // case, target, throughput, inFlight, p95 (s), load time (s), current, expected replicas, basis
        { "exact fit", InFlight4, NaN, 8, NaN, NaN, 2, 2, "inFlight" },
        { "round up", InFlight4, NaN, 9, NaN, NaN, 2, 3, "inFlight" },
        { "float noise is not a pod", InFlight4, NaN, 8.0000000001, NaN, NaN, 2, 2, "inFlight" },
        { "zero traffic clamps to min (when scaling up from zero)", InFlight4, 0, 0, NaN, NaN, 0, 1, "inFlight" },
        { "one replica, small load", InFlight4, NaN, 1, NaN, NaN, 1, 1, "inFlight" },
        { "clamp at max", InFlight4, NaN, 100, NaN, NaN, 2, 10, "inFlight" },
        { "headroom for slow model loads", InFlight4, NaN, 18, NaN, 120, 2, 6, "inFlight" },
        { "headroom is capped at 50%", InFlight4, NaN, 16, NaN, 3600, 1, 6, "inFlight" },
        { "headroom only when scaling up", InFlight4, NaN, 8, NaN, 600, 2, 2, "inFlight" },
        { "little's law from throughput and p95", InFlight4, 200, NaN, 0.05, NaN, 1, 3, "inFlight" },
        { "NaN everywhere holds", InFlight4, NaN, NaN, NaN, NaN, 4, 4, "hold" },
        { "negative values are unknown", InFlight4, -1, -5, -1, NaN, 4, 4, "hold" },
        { "infinite values are unknown", InFlight4, double.PositiveInfinity, NaN, 0.1, NaN, 3, 3, "hold" },
        { "hold is still clamped", InFlight4, NaN, NaN, NaN, NaN, 20, 10, "hold" },
        { "latency pressure", Latency100Ms, NaN, NaN, 0.3, NaN, 2, 6, "p95Latency" },
        { "latency within tolerance holds", Latency100Ms, NaN, NaN, 0.109, NaN, 3, 3, "hold" },
        { "latency pressure from zero replicas counts one", Latency100Ms, NaN, NaN, 0.25, NaN, 0, 3, "p95Latency" },
        { "latency wins over in flight when higher", Both, NaN, 8, 0.2, NaN, 2, 4, "p95Latency" },
        { "in flight wins when higher", Both, NaN, 40, 0.2, NaN, 2, 10, "inFlight" },
        { "low latency with an in-flight target has no opinion", Both, NaN, 4, 0.01, NaN, 1, 1, "inFlight" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Recommends_replicas_from_in_flight_and_latency(
        string name, AutoscalingTarget target, double throughput, double inFlight, double p95, double loadTime, int current, int expected, string basis)
    {
        var observation = new LoadObservation { Throughput = throughput, InFlight = inFlight, P95Latency = p95, ModelLoadTime = loadTime, CurrentReplicas = current };

        var recommendation = AutoscalingAdvisor.Recommend(observation, target, [new RecommendationSample(Now.AddHours(-1), 1)], Now);

        Assert.True(expected == recommendation.Replicas, $"{name}: expected {expected}, got {recommendation.Replicas} ({recommendation.Explanation})");
        Assert.Equal(basis, recommendation.Basis);
    }

    [Fact]
    public void Scaling_down_waits_for_the_highest_recommendation_of_the_window_to_age_out()
    {
        var target = InFlight4 with { ScaleDownStabilization = TimeSpan.FromMinutes(5) };
        IReadOnlyList<RecommendationSample>? history = null;
        var replicas = 8;

        // 32 in flight, then the load drops to 4 at t=0; the advisor is called every minute.
        (replicas, history) = Step(target, 32, replicas, history, Now.AddMinutes(-1));
        Assert.Equal(8, replicas);
        var seen = new List<int>();
        for (var minute = 0; minute <= 6; minute++)
        {
            (replicas, history) = Step(target, 4, replicas, history, Now.AddMinutes(minute));
            seen.Add(replicas);
        }

        // At rest at t=-1 (8 running, 8 recommended) nothing is remembered, so the 8 running counts as recommended when the
        // drop is first seen (t=0): it stays in the 5 minute window (t-5, t] until t=5, and then the count is at rest again.
        Assert.Equal([8, 8, 8, 8, 8, 1, 1], seen);
        Assert.Empty(history!);
    }

    [Fact]
    public void Scaling_up_is_immediate_whatever_the_history()
    {
        IReadOnlyList<RecommendationSample> history = [new(Now.AddMinutes(-1), 2)];

        var result = AutoscalingAdvisor.Recommend(new LoadObservation { InFlight = 40, CurrentReplicas = 2 }, InFlight4, history, Now);

        Assert.Equal(10, result.Replicas);
    }

    [Fact]
    public void Without_memory_the_running_count_counts_as_recommended_now()
    {
        var result = AutoscalingAdvisor.Recommend(new LoadObservation { InFlight = 0, CurrentReplicas = 3 }, InFlight4, null, Now);

        Assert.Equal(3, result.Replicas);
        Assert.Equal(1, result.Desired);
        Assert.Equal([new RecommendationSample(Now, 3), new RecommendationSample(Now, 1)], result.History);
    }

    [Fact]
    public void Stabilization_never_scales_above_the_current_count()
    {
        IReadOnlyList<RecommendationSample> history = [new(Now.AddMinutes(-1), 9)];

        var result = AutoscalingAdvisor.Recommend(new LoadObservation { InFlight = 4, CurrentReplicas = 5 }, InFlight4, history, Now);

        Assert.Equal(5, result.Replicas);
    }

    [Fact]
    public void The_memory_keeps_only_recommendations_higher_than_every_later_one()
    {
        IReadOnlyList<RecommendationSample> history =
        [
            new(Now.AddMinutes(-3), 7), new(Now.AddMinutes(-2), 3), new(Now.AddMinutes(-10), 10), new(Now.AddMinutes(-4), 9),
            new(Now.AddMinutes(-4.5), 5),
        ];

        var result = AutoscalingAdvisor.Recommend(new LoadObservation { InFlight = 16, CurrentReplicas = 9 }, InFlight4, history, Now);

        Assert.Equal(9, result.Replicas);
        Assert.Equal([new RecommendationSample(Now.AddMinutes(-4), 9), new RecommendationSample(Now.AddMinutes(-3), 7), new RecommendationSample(Now, 4)], result.History);
    }

    [Fact]
    public void Zero_stabilization_scales_down_at_once()
    {
        var target = InFlight4 with { ScaleDownStabilization = TimeSpan.Zero };

        var result = AutoscalingAdvisor.Recommend(new LoadObservation { InFlight = 0, CurrentReplicas = 6 }, target, [new(Now, 6)], Now);

        Assert.Equal(1, result.Replicas);
    }

    public static TheoryData<int, int, int?, int?, int> StabilizeCases => new()
    {
        // desired, current, remembered replicas (minutes ago), expected
        { 3, 8, 8, 1, 8 },        // a higher recommendation 1 minute ago holds the count
        { 3, 8, 8, 6, 3 },        // 6 minutes ago: outside the 5 minute window
        { 3, 8, 5, 1, 5 },        // holds at the remembered 5, not the current 8
        { 9, 8, 2, 1, 9 },        // scaling up is immediate
        { 3, 8, null, null, 8 },  // no memory: the current count counts as recommended now
        { 0, 0, null, null, 0 },
        { 4, 4, null, null, 4 },  // at rest
        { 4, 4, 6, 1, 4 },        // scaling up to the recommendation is immediate; the remembered 6 is kept
    };

    [Theory]
    [MemberData(nameof(StabilizeCases))]
    public void Stabilize_holds_scale_down_at_the_highest_recommendation_of_the_window(int desired, int current, int? remembered, int? minutesAgo, int expected)
    {
        IReadOnlyList<RecommendationSample>? memory = remembered is { } value ? [new(Now.AddMinutes(-minutesAgo!.Value), value)] : null;

        var (replicas, next) = AutoscalingAdvisor.Stabilize(desired, current, memory, TimeSpan.FromMinutes(5), Now);

        Assert.Equal(expected, replicas);
        if (desired == current && (remembered ?? current) <= current)
        {
            Assert.Empty(next); // at rest: an empty memory means "current recommended now"
        }
        else
        {
            Assert.Equal(new RecommendationSample(Now, desired), next[^1]);
        }
    }

    [Fact]
    public void At_rest_the_memory_stays_empty_as_time_passes_so_status_does_not_change()
    {
        IReadOnlyList<RecommendationSample>? memory = null;
        for (var minute = 0; minute < 10; minute++)
        {
            var (replicas, next) = AutoscalingAdvisor.Stabilize(4, 4, memory, TimeSpan.FromMinutes(5), Now.AddMinutes(minute));
            Assert.Equal(4, replicas);
            Assert.Empty(next);
            memory = next;
        }

        // Leaving rest still holds scale-down for the window, as if 4 had been recommended until then.
        var (held, remembered) = AutoscalingAdvisor.Stabilize(2, 4, memory, TimeSpan.FromMinutes(5), Now.AddMinutes(10));
        Assert.Equal(4, held);
        var (later, _) = AutoscalingAdvisor.Stabilize(2, 4, remembered, TimeSpan.FromMinutes(5), Now.AddMinutes(16));
        Assert.Equal(2, later);
    }

    [Theory]
    [InlineData(-1, 1, 10, 4.0)]
    [InlineData(1, 5, 4, 4.0)]
    [InlineData(1, -1, 4, 4.0)]
    [InlineData(1, 1, 4, 0.0)]
    public void Bad_inputs_are_rejected_with_what_is_allowed(int current, int min, int max, double perPod)
    {
        var target = new AutoscalingTarget { MinReplicas = min, MaxReplicas = max, TargetInFlightPerPod = perPod };

        Assert.Throws<ArgumentOutOfRangeException>(() => AutoscalingAdvisor.Recommend(new LoadObservation { CurrentReplicas = current }, target, null, Now));
    }

    [Fact]
    public void The_target_reads_the_spec_with_defaults()
    {
        var target = AutoscalingTarget.FromSpec(new AutoscalingSpec { MaxReplicas = 7, TargetP95Latency = "250ms" });

        Assert.Equal(ModelDeploymentDefaults.MinReplicas, target.MinReplicas);
        Assert.Equal(7, target.MaxReplicas);
        Assert.Equal(0.25, target.TargetP95Latency);
        Assert.Equal(TimeSpan.FromMinutes(5), target.ScaleDownStabilization);
    }

    private static (int Replicas, IReadOnlyList<RecommendationSample> History) Step(
        AutoscalingTarget target, double inFlight, int current, IReadOnlyList<RecommendationSample>? history, DateTimeOffset now)
    {
        var result = AutoscalingAdvisor.Recommend(new LoadObservation { InFlight = inFlight, CurrentReplicas = current }, target, history, now);
        return (result.Replicas, result.History);
    }
}
