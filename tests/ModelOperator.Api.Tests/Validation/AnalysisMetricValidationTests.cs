using ModelOperator.Api.Validation;
using static ModelOperator.Api.Tests.Validation.ModelDeploymentValidatorTests;

namespace ModelOperator.Api.Tests.Validation;

/// <summary>spec.rollout.analysis.metrics: each mistake on its field, with what is allowed.</summary>
public sealed class AnalysisMetricValidationTests
{
    private static readonly AnalysisMetric Kpi = new()
    {
        Name = "conversion",
        Min = 0.95,
        Prometheus = new PrometheusMetricSource { Query = "kpi:conversion{namespace=\"{{namespace}}\",revision=\"{{revision}}\"}[{{window}}]" },
    };

    private static ModelDeployment With(params AnalysisMetric[] metrics) => Valid with
    {
        Spec = Valid.Spec! with { Rollout = Valid.Spec.Rollout! with { Analysis = Valid.Spec.Rollout.Analysis! with { Metrics = metrics } } },
    };

    private static readonly Dictionary<string, (AnalysisMetric[] Metrics, string Path, string Says)> Cases = new()
    {
        ["upper-case name"] = ([Kpi with { Name = "Conversion" }], "spec.rollout.analysis.metrics[0].name", "a DNS label"),
        ["duplicate name"] = ([Kpi, Kpi], "spec.rollout.analysis.metrics[1].name", "names must be unique"),
        ["no source"] = ([Kpi with { Prometheus = null }], "spec.rollout.analysis.metrics[0]", "sets neither prometheus and web"),
        ["two sources"] = ([Kpi with { Web = new() { Url = "http://kpi", JsonPath = "v" } }], "spec.rollout.analysis.metrics[0]", "sets both prometheus and web"),
        ["no bound"] = ([Kpi with { Min = null }], "spec.rollout.analysis.metrics[0]", "has neither min nor max"),
        ["min above max"] = ([Kpi with { Max = 0.5 }], "spec.rollout.analysis.metrics[0].min", "no value could pass"),
        ["unknown placeholder"] = ([Kpi with { Prometheus = new() { Query = "x{pod=\"{{pod}}\"}" } }], "spec.rollout.analysis.metrics[0].prometheus.query", "unknown placeholder {{pod}}; allowed: {{namespace}}, {{modelDeployment}}, {{revision}}, {{baselineRevision}}, {{window}}"),
        ["empty query"] = ([Kpi with { Prometheus = new() { Query = " " } }], "spec.rollout.analysis.metrics[0].prometheus.query", "is missing"),
        ["minSamples without a samples query"] = ([Kpi with { MinSamples = 100 }], "spec.rollout.analysis.metrics[0].minSamples", "needs prometheus.samplesQuery"),
        ["prometheus address not http"] = ([Kpi with { Prometheus = Kpi.Prometheus! with { Address = "prometheus:9090" } }], "spec.rollout.analysis.metrics[0].prometheus.address", "not an http:// or https:// URL"),
        ["web url not http"] = ([Kpi with { Prometheus = null, Web = new() { Url = "file:///etc/passwd", JsonPath = "v" } }], "spec.rollout.analysis.metrics[0].web.url", "not an http:// or https:// URL"),
        ["web json path with a wildcard"] = ([Kpi with { Prometheus = null, Web = new() { Url = "http://kpi/x", JsonPath = "data[*].v" } }], "spec.rollout.analysis.metrics[0].web.jsonPath", "e.g. data.0.value"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_mistake_is_reported_on_its_field_with_what_is_allowed(string name)
    {
        var (metrics, path, says) = Cases[name];

        AssertReportedOnce(With(metrics), path, says);
    }

    [Fact]
    public void Valid_metrics_pass_and_count_as_thresholds()
    {
        var web = new AnalysisMetric { Name = "downstream-errors", Max = 0.01, Web = new WebMetricSource { Url = "https://kpi.shop.svc/errors?revision={{revision}}", JsonPath = "data.0.value" } };
        var onlyMetrics = Valid with
        {
            Spec = Valid.Spec! with { Rollout = Valid.Spec.Rollout! with { Analysis = new AnalysisSpec { Metrics = [Kpi, web] } } },
        };

        Assert.Empty(ModelDeploymentValidator.Validate(With(Kpi, web)));
        Assert.Empty(ModelDeploymentValidator.Validate(onlyMetrics));
    }

    [Fact]
    public void Placeholders_are_substituted_and_a_missing_value_is_reported()
    {
        var values = new Dictionary<string, string?> { ["namespace"] = "ml", ["window"] = "30s", ["baselineRevision"] = null };

        Assert.Equal("up{namespace=\"ml\"}[30s]", MetricTemplate.Render("up{namespace=\"{{namespace}}\"}[{{ window }}]", values, out var none));
        Assert.Null(none);
        Assert.Null(MetricTemplate.Render("x{r=\"{{baselineRevision}}\"}", values, out var missing));
        Assert.Equal("baselineRevision", missing);
        Assert.Equal("http://k/?ns=a%20b", MetricTemplate.Render("http://k/?ns={{namespace}}", new Dictionary<string, string?> { ["namespace"] = "a b" }, out _, Uri.EscapeDataString));
    }
}
