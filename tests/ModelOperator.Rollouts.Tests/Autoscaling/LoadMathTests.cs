using ModelOperator.Rollouts.Autoscaling;

namespace ModelOperator.Rollouts.Tests.Autoscaling;

public sealed class LoadMathTests
{
    /// <summary>What a pod counted between two scrapes: <paramref name="requests"/>, <paramref name="fast"/> of them within 50 ms.</summary>
    private static PodLoadDelta Counted(double requests, double fast, double seconds) => new(
        requests,
        new Dictionary<double, double> { [0.05] = fast, [0.5] = requests, [double.PositiveInfinity] = requests },
        TimeSpan.FromSeconds(seconds));

    [Fact]
    public void Rates_are_summed_per_pod_and_the_p95_comes_from_the_summed_buckets()
    {
        var load = LoadMath.Combine(
        [
            new PodLoad(5, 6, Counted(300, 285, 30)),
            new PodLoad(7, 8, Counted(300, 285, 15)),
        ]);

        Assert.Equal(30, load.Throughput, 9);
        Assert.Equal(12, load.InFlight);
        Assert.Equal(0.05, load.P95Latency, 9);
        Assert.Equal(8, load.ModelLoadTime);
    }

    [Fact]
    public void A_first_look_knows_the_gauges_only_and_no_pod_knows_nothing()
    {
        var first = LoadMath.Combine([new PodLoad(3, double.NaN)]);
        var none = LoadMath.Combine([]);
        var idle = LoadMath.Combine([new PodLoad(0, double.NaN, Counted(0, 0, 30))]);

        Assert.Equal((double.NaN, 3.0, double.NaN, double.NaN), (first.Throughput, first.InFlight, first.P95Latency, first.ModelLoadTime));
        Assert.True(double.IsNaN(none.Throughput) && double.IsNaN(none.InFlight) && double.IsNaN(none.P95Latency));
        Assert.Equal(0, idle.Throughput);
        Assert.True(double.IsNaN(idle.P95Latency)); // nothing finished: no latency to speak of
    }

    [Fact]
    public void A_pod_scraped_twice_at_the_same_instant_gives_no_rate_but_its_gauges_count()
    {
        var load = LoadMath.Combine([new PodLoad(4, 2, Counted(100, 100, 0)), new PodLoad(1, double.NaN, Counted(60, 60, 30))]);

        Assert.Equal(2, load.Throughput, 9); // only the pod with elapsed time: 60 / 30
        Assert.Equal(5, load.InFlight);
        Assert.Equal(2, load.ModelLoadTime);
    }
}
