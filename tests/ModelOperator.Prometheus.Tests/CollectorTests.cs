namespace ModelOperator.Prometheus.Tests;

public sealed class CollectorTests
{
    [Fact]
    public void Collectors_run_at_each_scrape_after_registered_metrics_and_group_by_name()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("up", "Up.").Set(1);
        double score = 0.1;
        registry.AddCollector(w =>
        {
            w.WriteGauge("drift_psi", "PSI per feature.", [new("feature", "age")], score);
            w.WriteCounter("drift_nan_total", "NaN values.", [], 4);
            w.WriteGauge("drift_psi", "PSI per feature.", [new("feature", "in\"come")], score * 2);
        });
        registry.AddCollector(w => w.WriteGauge("drift_psi", "ignored second help", [new("feature", "tenure")], 3));

        Assert.Equal(
            "# HELP up Up.\n# TYPE up gauge\nup 1\n" +
            "# HELP drift_psi PSI per feature.\n# TYPE drift_psi gauge\n" +
            "drift_psi{feature=\"age\"} 0.1\n" +
            "drift_psi{feature=\"in\\\"come\"} 0.2\n" +
            "drift_psi{feature=\"tenure\"} 3\n" +
            "# HELP drift_nan_total NaN values.\n# TYPE drift_nan_total counter\n" +
            "drift_nan_total 4\n",
            registry.Scrape());

        score = 0.5;
        Assert.Contains("drift_psi{feature=\"age\"} 0.5\n", registry.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_collector_may_not_reuse_a_registered_name()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("up", "help");
        registry.AddCollector(w => w.WriteGauge("up", "help", [], 1));

        var e = Assert.Throws<InvalidOperationException>(registry.Scrape);
        Assert.Contains("already a registered metric", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_written_with_two_types_is_an_error()
    {
        var registry = new MetricRegistry();
        registry.AddCollector(w => w.WriteGauge("x_total", "help", [], 1));
        var e = Assert.Throws<ArgumentException>(registry.Scrape);
        Assert.Contains("reserved for counters", e.Message, StringComparison.Ordinal);

        var other = new MetricRegistry();
        other.AddCollector(w =>
        {
            w.WriteGauge("x", "help", [], 1);
            w.WriteCounter("x", "help", [], 1);
        });
        var mismatch = Assert.Throws<InvalidOperationException>(other.Scrape);
        Assert.Contains("both as a gauge and as a counter", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_collector_may_not_write_a_histogram_series_name()
    {
        var registry = new MetricRegistry();
        registry.CreateHistogram("lat", "help", [1]);
        registry.AddCollector(w => w.WriteGauge("lat_count", "help", [], 1));

        Assert.Throws<ArgumentException>(registry.Scrape);
    }

    [Fact]
    public void Collector_label_names_are_validated()
    {
        var registry = new MetricRegistry();
        registry.AddCollector(w => w.WriteGauge("g", "help", [new("__bad", "v")], 1));
        Assert.Throws<ArgumentException>(registry.Scrape);

        var dup = new MetricRegistry();
        dup.AddCollector(w => w.WriteGauge("g", "help", [new("a", "1"), new("a", "2")], 1));
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(dup.Scrape).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_collector_writes_nothing()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("g", "help");
        registry.AddCollector(_ => throw new InvalidOperationException("boom"));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        Assert.Throws<InvalidOperationException>(() => registry.WriteTo(buffer));
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Fact]
    public void Collector_counters_must_not_be_negative()
    {
        var registry = new MetricRegistry();
        registry.AddCollector(w => w.WriteCounter("c_total", "help", [], -1));
        Assert.Throws<InvalidOperationException>(registry.Scrape);
    }
}
