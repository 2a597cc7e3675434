using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>Analysis settings and thresholds.</summary>
[Description("What the analysis measures and when it fails. Each interval, every threshold set is checked over the last interval; a measurement with fewer than minSamples requests is inconclusive (the rollout waits), a crossed threshold is a failure.")]
public sealed record AnalysisSpec
{
    private const string ShareAllowed = "a share from {0} to {1} (0.01 is 1% of a feature's values)";
    private const string PsiAllowed = "a population stability index from {0} to {1} (0.1 is small drift, 0.25 large)";

    [Description("How often to measure, and the window each measurement covers, as a duration.")]
    [Duration]
    [Default(ModelDeploymentDefaults.AnalysisInterval)]
    public string? Interval { get; init; }

    [Description("The fewest canary requests a window must hold for a measurement to count.")]
    [Range(1, 1_000_000_000, Allowed = "{0} to {1} requests")]
    [Default(ModelDeploymentDefaults.MinSamples)]
    public int? MinSamples { get; init; }

    [Description("How many failed measurements are tolerated; one more rolls the canary back. 0 rolls back on the first failure.")]
    [Range(0, 1000, Allowed = "{0} (roll back on the first failure) to {1}")]
    [Default(ModelDeploymentDefaults.FailureLimit)]
    public int? FailureLimit { get; init; }

    [Description("The highest tolerated share of failed canary requests, from 0 to 1 (e.g. 0.01 for 1%).")]
    [Range(0, 1, Allowed = "a share from {0} to {1} (0.01 is 1%)")]
    public double? MaxErrorRate { get; init; }

    [Description("The highest tolerated 99th percentile canary latency, as a duration (e.g. 250ms).")]
    [Duration]
    public string? MaxP99Latency { get; init; }

    [Description("The highest tolerated population stability index (PSI) between the canary's and the stable revision's prediction distributions (0.1 small, 0.25 large).")]
    [Range(0, 100, Allowed = PsiAllowed)]
    public double? MaxPredictionDrift { get; init; }

    [Description("The highest tolerated PSI between the canary's live features and the reference profile (spec.model.profile), worst feature.")]
    [Range(0, 100, Allowed = PsiAllowed)]
    public double? MaxFeatureDrift { get; init; }

    [Description("Metrics of your own, judged beside the built-in ones with the same interval and failureLimit.")]
    [Items(0, 10)]
    [ListMap("name")]
    public IReadOnlyList<AnalysisMetric>? Metrics { get; init; }

    [Description("Data quality: the highest tolerated share of a feature's values that are not a category of the canary revision's own reference profile (spec.model.profile), worst feature, from 0 to 1. The decision names the column.")]
    [Range(0, 1, Allowed = ShareAllowed)]
    public double? MaxUnseenCategoryShare { get; init; }

    [Description("Data quality: the highest tolerated share of a feature's values that are NaN or infinite, worst feature, from 0 to 1. The decision names the column.")]
    [Range(0, 1, Allowed = ShareAllowed)]
    public double? MaxNonFiniteShare { get; init; }

    [Description("Data quality: the highest tolerated share of a feature's values outside the min and max of the canary revision's own reference profile, worst feature, from 0 to 1. The decision names the column.")]
    [Range(0, 1, Allowed = ShareAllowed)]
    public double? MaxOutOfRangeShare { get; init; }

    [Description("The highest tolerated share (0 to 1) of the copies compared during a shadow step whose answer differs from the stable revision's by more than shadowTolerance in any output value (e.g. 0.01 for 1%).")]
    [Range(0, 1, Allowed = "a share from {0} to {1} (0.01 is 1%)")]
    public double? MaxShadowDisagreement { get; init; }

    [Description("The largest absolute difference between the canary's and the stable revision's value of an output that still counts as agreement in a shadow step.")]
    [Range(0, 1_000_000, Allowed = "an absolute difference from {0} to {1}")]
    [Default(ModelDeploymentDefaults.ShadowTolerance)]
    public double? ShadowTolerance { get; init; }

    [Description("Where the measurements come from.")]
    [DefaultJson("{\"direct\":{}}")]
    public AnalysisProvider? Provider { get; init; }
}

/// <summary>The measurement source.</summary>
[Description("Where measurements come from: exactly one of prometheus or direct.")]
[CelRule("has(self.prometheus) != has(self.direct)", "set exactly one of provider.prometheus or provider.direct")]
public sealed record AnalysisProvider
{
    [Description("Query a Prometheus server that scrapes the serving pods.")]
    public PrometheusProvider? Prometheus { get; init; }

    [Description("Read the serving pods' own metrics and stats endpoints directly; no Prometheus needed.")]
    public DirectProvider? Direct { get; init; }
}

/// <summary>The Prometheus provider.</summary>
[Description("A Prometheus server to query.")]
[CelRule("self.address.startsWith('http://') || self.address.startsWith('https://')",
    "provider.prometheus needs an address: an http:// or https:// URL such as http://prometheus.monitoring:9090", FieldPath = ".address")]
public sealed record PrometheusProvider
{
    [Description("The Prometheus base URL, http:// or https://, e.g. http://prometheus.monitoring:9090.")]
    [Required]
    [Length(1, 2048)]
    public string? Address { get; init; }
}

/// <summary>The direct provider (no settings).</summary>
[Description("Reads the pods' endpoints; it has no settings.")]
public sealed record DirectProvider;
