namespace ModelOperator.Prometheus.Tests;

public sealed class AllocationTests
{
    [Fact]
    public void Recording_on_cached_children_allocates_nothing()
    {
        var registry = new MetricRegistry();
        Counter.Child counter = registry.CreateCounter("c_total", "help", "k").WithLabels("v");
        Gauge.Child gauge = registry.CreateGauge("g", "help", "k").WithLabels("v");
        Histogram.Child histogram = registry.CreateHistogram("h", "help", Histogram.ExponentialBuckets(0.001, 2, 16), "k").WithLabels("v");
        Counter unlabelled = registry.CreateCounter("u_total", "help");

        void Record(int n)
        {
            for (int i = 0; i < n; i++)
            {
                counter.Inc();
                gauge.Set(i);
                gauge.Inc(0.5);
                histogram.Observe(i * 0.001);
                unlabelled.Inc();
            }
        }

        Record(1000); // warm-up: JIT and tiering
        long before = GC.GetAllocatedBytesForCurrentThread();
        Record(10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(11_000, counter.Value);
    }
}
