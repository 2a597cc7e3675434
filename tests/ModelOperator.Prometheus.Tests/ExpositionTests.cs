using System.Buffers;
using System.Text;

namespace ModelOperator.Prometheus.Tests;

public sealed class ExpositionTests
{
    [Fact]
    public void Small_registry_is_exposed_exactly_in_registration_and_creation_order()
    {
        var registry = new MetricRegistry();
        Counter requests = registry.CreateCounter("model_requests_total", "Inference requests.", "model", "code");
        Gauge loaded = registry.CreateGauge("model_loaded", "1 when the model is loaded.");
        Histogram latency = registry.CreateHistogram("model_latency_seconds", "Inference latency.", [0.01, 0.1, 1], "model");

        requests.WithLabels("churn", "200").Inc();
        requests.WithLabels("churn", "200").Inc(2);
        requests.WithLabels("churn", "500").Inc();
        requests.WithLabels("alpha", "200").Inc(0.5);
        loaded.Set(1);
        latency.WithLabels("churn").Observe(0.005);
        latency.WithLabels("churn").Observe(0.05);
        latency.WithLabels("churn").Observe(0.05);
        latency.WithLabels("churn").Observe(5);

        const string expected =
            "# HELP model_requests_total Inference requests.\n" +
            "# TYPE model_requests_total counter\n" +
            "model_requests_total{model=\"churn\",code=\"200\"} 3\n" +
            "model_requests_total{model=\"churn\",code=\"500\"} 1\n" +
            "model_requests_total{model=\"alpha\",code=\"200\"} 0.5\n" +
            "# HELP model_loaded 1 when the model is loaded.\n" +
            "# TYPE model_loaded gauge\n" +
            "model_loaded 1\n" +
            "# HELP model_latency_seconds Inference latency.\n" +
            "# TYPE model_latency_seconds histogram\n" +
            "model_latency_seconds_bucket{model=\"churn\",le=\"0.01\"} 1\n" +
            "model_latency_seconds_bucket{model=\"churn\",le=\"0.1\"} 3\n" +
            "model_latency_seconds_bucket{model=\"churn\",le=\"1\"} 3\n" +
            "model_latency_seconds_bucket{model=\"churn\",le=\"+Inf\"} 4\n" +
            "model_latency_seconds_sum{model=\"churn\"} 5.105\n" +
            "model_latency_seconds_count{model=\"churn\"} 4\n";
        Assert.Equal(expected, registry.Scrape());
    }

    [Fact]
    public void Unlabelled_metrics_appear_at_zero_and_labelled_ones_only_once_they_have_a_child()
    {
        var registry = new MetricRegistry();
        registry.CreateCounter("a_total", "A.");
        registry.CreateGauge("b", "B.", "x");
        registry.CreateHistogram("c_seconds", "C.", [1]);

        Assert.Equal(
            "# HELP a_total A.\n# TYPE a_total counter\na_total 0\n" +
            "# HELP c_seconds C.\n# TYPE c_seconds histogram\n" +
            "c_seconds_bucket{le=\"1\"} 0\nc_seconds_bucket{le=\"+Inf\"} 0\nc_seconds_sum 0\nc_seconds_count 0\n",
            registry.Scrape());
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("g", "G.", "path").WithLabels("C:\\dir\n\"q\" é").Set(1);

        Assert.Contains("g{path=\"C:\\\\dir\\n\\\"q\\\" é\"} 1\n", registry.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_escapes_backslash_and_newline_but_not_quotes()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("g", "a \\ b\nsecond \"line\"");

        Assert.StartsWith("# HELP g a \\\\ b\\nsecond \"line\"\n# TYPE g gauge\n", registry.Scrape(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e21, "1E+21")]
    [InlineData(1.5e-7, "1.5E-07")]
    [InlineData(123456789.0, "123456789")]
    public void Floats_are_written_shortest_round_trip_in_invariant_culture(double value, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new ExpositionWriter(buffer).WriteDouble(value);
        string text = Encoding.UTF8.GetString(buffer.WrittenSpan);

        Assert.Equal(expected, text);
        if (double.IsFinite(value))
        {
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_count_equals_the_inf_bucket()
    {
        var registry = new MetricRegistry();
        Histogram h = registry.CreateHistogram("h", "H.", Histogram.LinearBuckets(1, 1, 3));
        foreach (double v in new[] { 0.0, 1, 1.5, 2, 2, 3, 3.0001, 100, double.NaN })
        {
            h.Observe(v);
        }

        string text = registry.Scrape();

        // le is inclusive: 1 lands in le="1", 2 in le="2", 3 in le="3"; NaN goes to +Inf.
        Assert.Contains("h_bucket{le=\"1\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("h_bucket{le=\"2\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("h_bucket{le=\"3\"} 6\n", text, StringComparison.Ordinal);
        Assert.Contains("h_bucket{le=\"+Inf\"} 9\n", text, StringComparison.Ordinal);
        Assert.Contains("h_sum NaN\n", text, StringComparison.Ordinal);
        Assert.Contains("h_count 9\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_child_reports_count_and_sum()
    {
        var registry = new MetricRegistry();
        Histogram.Child child = registry.CreateHistogram("h", "H.", [1, 10], "k").WithLabels("v");
        child.Observe(0.5);
        child.Observe(20);

        Assert.Equal(2, child.Count);
        Assert.Equal(20.5, child.Sum);
    }

    [Fact]
    public void Bucket_index_is_the_first_bound_not_below_the_value()
    {
        double[] bounds = [1, 2, 4, 8];
        Assert.Equal(0, Histogram.Child.BucketIndex(bounds, double.NegativeInfinity));
        Assert.Equal(0, Histogram.Child.BucketIndex(bounds, 1));
        Assert.Equal(1, Histogram.Child.BucketIndex(bounds, 1.0000001));
        Assert.Equal(3, Histogram.Child.BucketIndex(bounds, 8));
        Assert.Equal(4, Histogram.Child.BucketIndex(bounds, 8.5));
        Assert.Equal(4, Histogram.Child.BucketIndex(bounds, double.NaN));
    }

    [Fact]
    public void Bucket_helpers_build_the_expected_bounds()
    {
        Assert.Equal([0.001, 0.01, 0.1, 1], Histogram.ExponentialBuckets(0.001, 10, 4), new ToleranceComparer(1e-15));
        Assert.Equal([0, 0.25, 0.5], Histogram.LinearBuckets(0, 0.25, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Histogram.ExponentialBuckets(0, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Histogram.ExponentialBuckets(1, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Histogram.LinearBuckets(0, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Histogram.LinearBuckets(0, 1, 0));
    }

    [Fact]
    public void Gauge_set_inc_dec_and_labelled_children_keep_their_values()
    {
        var registry = new MetricRegistry();
        Gauge g = registry.CreateGauge("g", "G.");
        g.Set(10);
        g.Inc();
        g.Dec(0.5);
        Gauge.Child child = registry.CreateGauge("h", "H.", "k").WithLabels("a");
        child.Set(-3);
        child.Inc(1);

        Assert.Contains("g 10.5\n", registry.Scrape(), StringComparison.Ordinal);
        Assert.Equal(-2, child.Value);
    }

    [Fact]
    public void WithLabels_returns_the_cached_child_and_is_not_affected_by_later_changes_to_the_array()
    {
        var registry = new MetricRegistry();
        Counter c = registry.CreateCounter("c_total", "C.", "k");
        string[] values = ["a"];
        Counter.Child first = c.WithLabels(values);
        values[0] = "b";

        Assert.Same(first, c.WithLabels("a"));
        Assert.NotSame(first, c.WithLabels("b"));
    }

    [Fact]
    public void WriteTo_appends_to_the_buffer_writer_as_utf8()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("g", "Größe.");
        var buffer = new ArrayBufferWriter<byte>(1);

        registry.WriteTo(buffer);

        Assert.Equal("# HELP g Größe.\n# TYPE g gauge\ng 0\n", Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", MetricRegistry.ContentType);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
