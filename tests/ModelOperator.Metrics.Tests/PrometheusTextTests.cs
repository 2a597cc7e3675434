namespace ModelOperator.Metrics.Tests;

public sealed class PrometheusTextTests
{
    [Fact]
    public void Prometheus_text_is_read_with_escapes_and_special_values()
    {
        var samples = PrometheusText.Parse(
            "# HELP x y\nmodelserver_requests_total{model=\"a\\\"b\",outcome=\"success\"} 12\nm_bucket{le=\"+Inf\"} 3 1700000000\nbroken{ 1\nnan_metric NaN\n",
            out var skipped);

        Assert.Equal(1, skipped);
        Assert.Equal("a\"b", samples[0].Label("model"));
        Assert.Equal(12, samples[0].Value);
        Assert.Equal("+Inf", samples[1].Label("le"));
        Assert.True(double.IsNaN(samples[2].Value));
    }

    [Theory]
    [InlineData("m 1", "m", "", 1.0)]
    [InlineData("m{a=\"x\"} -Inf", "m", "a=x", double.NegativeInfinity)]
    [InlineData("m{a=\"line\\nbreak\",b=\"back\\\\slash\",} 2.5e3 1700000000.5", "m", "a=line\nbreak;b=back\\slash", 2500.0)]
    [InlineData("m{ a=\"x\" }\t7", "m", "a=x", 7.0)]
    [InlineData("m{a=\"x y\"} +Inf", "m", "a=x y", double.PositiveInfinity)]
    public void Sample_lines_parse_to_name_labels_and_value(string line, string name, string labels, double value)
    {
        Assert.True(PrometheusText.TryParseSample(line, out var sample));

        Assert.Equal(name, sample.Name);
        Assert.Equal(labels, string.Join(';', sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
        Assert.Equal(value, sample.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{a=\"x\"} 1")]
    [InlineData("m")]
    [InlineData("m{a=\"x\"}")]
    [InlineData("m{a=\"x} 1")]
    [InlineData("m{a=x} 1")]
    [InlineData("m{a=\"\\t\"} 1")]
    [InlineData("m{a=\"x\",a=\"y\"} 1")]
    [InlineData("m{=\"x\"} 1")]
    [InlineData("m one")]
    [InlineData("m 1 later")]
    [InlineData("m 1 2 3")]
    public void Lines_that_are_not_samples_are_refused(string line) =>
        Assert.False(PrometheusText.TryParseSample(line, out _));
}
