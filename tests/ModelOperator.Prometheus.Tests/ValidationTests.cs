namespace ModelOperator.Prometheus.Tests;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("", "[a-zA-Z_:][a-zA-Z0-9_:]*")]
    [InlineData("1abc", "[a-zA-Z_:][a-zA-Z0-9_:]*")]
    [InlineData("a-b", "[a-zA-Z_:][a-zA-Z0-9_:]*")]
    [InlineData("a b", "[a-zA-Z_:][a-zA-Z0-9_:]*")]
    [InlineData("size_total", "reserved for counters")]
    [InlineData("latency_bucket", "reserved for the series of histograms")]
    [InlineData("latency_count", "reserved for the series of histograms")]
    [InlineData("latency_sum", "reserved for the series of histograms")]
    public void Bad_gauge_names_are_refused_with_the_rule(string name, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateGauge(name, "help"));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{name}\"", e.Message, StringComparison.Ordinal);
        Assert.Equal("name", e.ParamName);
    }

    [Theory]
    [InlineData("requests")]
    [InlineData("_total")]
    [InlineData("requests_totals")]
    public void Counters_must_end_in_total(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateCounter(name, "help"));
        Assert.Contains("must end in \"_total\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_with_colons_and_underscores_are_accepted()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("ns:sub_g1", "help");
        registry.CreateGauge("_private", "help", "_l1", "L2");
        Assert.Contains("ns:sub_g1 0\n", registry.Scrape(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1a", "[a-zA-Z_][a-zA-Z0-9_]*")]
    [InlineData("a:b", "[a-zA-Z_][a-zA-Z0-9_]*")]
    [InlineData("", "[a-zA-Z_][a-zA-Z0-9_]*")]
    [InlineData("__name", "reserved for Prometheus")]
    public void Bad_label_names_are_refused(string label, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateCounter("c_total", "help", label));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.Equal("labelNames", e.ParamName);
    }

    [Fact]
    public void Duplicate_label_names_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateGauge("g", "help", "a", "a"));
        Assert.Contains("given twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Le_is_not_a_histogram_label()
    {
        var e = Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateHistogram("h", "help", [1], "le"));
        Assert.Contains("\"le\" is reserved for bucket upper bounds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_help_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateGauge("g", " "));
        Assert.Contains("help text is empty", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new double[] { }, "at least one finite bucket")]
    [InlineData(new double[] { double.PositiveInfinity }, "at least one finite bucket")]
    [InlineData(new double[] { 1, 1 }, "strictly increasing")]
    [InlineData(new double[] { 2, 1 }, "strictly increasing")]
    [InlineData(new double[] { 1, double.NaN }, "must be finite")]
    [InlineData(new double[] { double.NegativeInfinity, 1 }, "must be finite")]
    public void Bad_buckets_are_refused(double[] buckets, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateHistogram("h", "help", buckets));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.Equal("buckets", e.ParamName);
    }

    [Fact]
    public void A_trailing_inf_bucket_is_accepted_and_not_repeated()
    {
        var registry = new MetricRegistry();
        Histogram h = registry.CreateHistogram("h", "help", [1, double.PositiveInfinity]);
        h.Observe(3);

        Assert.Equal([1.0], h.UpperBounds);
        string text = registry.Scrape();
        Assert.Equal(1, CountOccurrences(text, "le=\"+Inf\""));
    }

    [Fact]
    public void Registering_a_name_twice_is_an_error_even_across_types()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("x", "help");
        Assert.Contains("already registered", Assert.Throws<ArgumentException>(() => registry.CreateGauge("x", "help")).Message, StringComparison.Ordinal);
        Assert.Contains("already registered", Assert.Throws<ArgumentException>(() => registry.CreateHistogram("x", "help", [1])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_series_names_are_reserved()
    {
        var registry = new MetricRegistry();
        registry.CreateHistogram("x", "help", [1]);
        registry.CreateCounter("x_bucket_total", "fine: a different name");
        var e = Assert.Throws<ArgumentException>(() => registry.CreateHistogram("x", "help", [2]));
        Assert.Contains("already registered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithLabels_needs_one_value_per_label()
    {
        Counter c = new MetricRegistry().CreateCounter("c_total", "help", "a", "b");
        var e = Assert.Throws<ArgumentException>(() => c.WithLabels("x"));
        Assert.Contains("has 2 label(s) (a, b) but 1 value(s) were given", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => c.WithLabels("x", null!));
    }

    [Fact]
    public void Unlabelled_calls_on_a_labelled_metric_say_to_use_WithLabels()
    {
        var registry = new MetricRegistry();
        var e = Assert.Throws<InvalidOperationException>(() => registry.CreateCounter("c_total", "help", "a").Inc());
        Assert.Contains("call WithLabels", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => registry.CreateGauge("g", "help", "a").Set(1));
        Assert.Throws<InvalidOperationException>(() => registry.CreateHistogram("h", "help", [1], "a").Observe(1));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void Counters_only_go_up(double amount)
    {
        Counter c = new MetricRegistry().CreateCounter("c_total", "help");
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Inc(amount));
    }

    private static int CountOccurrences(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
