using Prometheus;

namespace ModelOperator.Metrics.Tests;

public sealed class AllocationTests
{
    [Fact]
    public void Recording_on_cached_children_allocates_nothing()
    {
        IMetricFactory factory = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        Counter.Child counter = factory.CreateCounter("c_total", "c", ["model"]).WithLabels("churn");
        Gauge.Child gauge = factory.CreateGauge("g", "g", ["model"]).WithLabels("churn");
        Histogram.Child histogram = factory.CreateHistogram("h_seconds", "h", ["model"]).WithLabels("churn");
        Record(counter, gauge, histogram, 1000); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        Record(counter, gauge, histogram, 10_000);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void Record(Counter.Child counter, Gauge.Child gauge, Histogram.Child histogram, int times)
    {
        for (int i = 0; i < times; i++)
        {
            counter.Inc();
            gauge.Inc();
            gauge.Dec();
            histogram.Observe(i * 0.0001);
        }
    }
}
