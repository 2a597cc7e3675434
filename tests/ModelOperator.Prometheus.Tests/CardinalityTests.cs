namespace ModelOperator.Prometheus.Tests;

public sealed class CardinalityTests
{
    [Fact]
    public void The_cap_refuses_a_new_label_set_but_keeps_serving_existing_ones()
    {
        var registry = new MetricRegistry(maxLabelSetsPerMetric: 3);
        Counter c = registry.CreateCounter("c_total", "help", "user");
        c.WithLabels("a").Inc();
        c.WithLabels("b").Inc();
        c.WithLabels("c").Inc();

        var e = Assert.Throws<InvalidOperationException>(() => c.WithLabels("d"));
        Assert.Contains("already has 3 label sets, the most allowed", e.Message, StringComparison.Ordinal);
        Assert.Contains("user=\"d\"", e.Message, StringComparison.Ordinal);

        c.WithLabels("a").Inc();
        Assert.Equal(2, c.WithLabels("a").Value);
        Assert.DoesNotContain("user=\"d\"", registry.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_cap_is_one_thousand_per_metric()
    {
        var registry = new MetricRegistry();
        Gauge g = registry.CreateGauge("g", "help", "k");
        for (int i = 0; i < 1000; i++)
        {
            g.WithLabels(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(MetricRegistry.DefaultMaxLabelSetsPerMetric, registry.MaxLabelSetsPerMetric);
        Assert.Throws<InvalidOperationException>(() => g.WithLabels("1000"));

        // Each metric has its own cap.
        registry.CreateGauge("h", "help", "k").WithLabels("1000").Set(1);
    }

    [Fact]
    public void A_cap_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricRegistry(0));
    }
}
