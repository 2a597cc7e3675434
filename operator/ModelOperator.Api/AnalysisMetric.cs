using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>A user's own metric, judged beside the built-in ones in every analysis run.</summary>
[Description("A metric of your own (a business KPI, a downstream service's error rate), measured every analysis interval beside the built-in ones and judged with min and/or max. No data, NaN or an empty answer is inconclusive, never a pass; a failure counts toward failureLimit like the built-in metrics.")]
[CelRule("has(self.prometheus) != has(self.web)", "set exactly one of prometheus or web")]
[CelRule("has(self.min) || has(self.max)", "set min, max or both")]
public sealed record AnalysisMetric
{
    /// <summary>Names are lower-case DNS labels, so they never collide with the built-in metrics' camelCase names.</summary>
    public const string NamePattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    [Description("The metric's name as shown in status.lastDecision.metric and Events: lower-case letters, digits and '-' (a DNS label), unique in the list.")]
    [Required]
    [Length(1, 63)]
    [Pattern(NamePattern)]
    public string? Name { get; init; }

    [Description("Query Prometheus (the address of spec.rollout.analysis.provider.prometheus, or this source's own).")]
    public PrometheusMetricSource? Prometheus { get; init; }

    [Description("GET a URL answering JSON and read one number from it.")]
    public WebMetricSource? Web { get; init; }

    [Description("The lowest passing value (inclusive).")]
    public double? Min { get; init; }

    [Description("The highest passing value (inclusive).")]
    public double? Max { get; init; }

    [Description("The fewest samples the measurement must rest on; with prometheus.samplesQuery only. Below it the run is inconclusive.")]
    [Range(1, 1_000_000_000, Allowed = "{0} to {1} samples")]
    public long? MinSamples { get; init; }
}

/// <summary>A PromQL source of a user metric.</summary>
[Description("An instant PromQL query whose answer is one number. Placeholders, replaced before the query is sent: {{namespace}}, {{modelDeployment}}, {{revision}} (the revision judged), {{baselineRevision}} (the stable revision, or the previous one while baking) and {{window}} (the analysis interval as a PromQL duration). Names are Kubernetes names and the window a duration, so a substitution cannot change the query's structure.")]
public sealed record PrometheusMetricSource
{
    [Description("The PromQL query, e.g. sum(rate(checkout_errors_total{namespace=\"{{namespace}}\"}[{{window}}])) / sum(rate(checkout_total{namespace=\"{{namespace}}\"}[{{window}}])).")]
    [Required]
    [Length(1, 4096)]
    public string? Query { get; init; }

    [Description("A second query giving the number of samples the first rests on (compared with minSamples); same placeholders.")]
    [Length(1, 4096)]
    public string? SamplesQuery { get; init; }

    [Description("The Prometheus base URL; defaults to spec.rollout.analysis.provider.prometheus.address. It must be an address the cluster admin allows (PROMETHEUS_ALLOWED_ADDRESSES).")]
    [Length(1, 2048)]
    public string? Address { get; init; }
}

/// <summary>An HTTP JSON source of a user metric.</summary>
[Description("An HTTP GET whose JSON answer holds the number. The URL must start with a prefix the cluster admin allows (ANALYSIS_WEB_ALLOWED_PREFIXES; none by default); redirects are not followed, and the answer's size and time are bounded like every call the operator makes. The URL takes the same placeholders as a Prometheus query.")]
public sealed record WebMetricSource
{
    [Description("An http:// or https:// URL, e.g. https://kpi.shop.svc/checkout?revision={{revision}}.")]
    [Required]
    [Length(1, 2048)]
    public string? Url { get; init; }

    [Description("Where the number is in the JSON answer: member names and array indexes separated by dots, e.g. data.0.value. A string holding a number is read as one.")]
    [Required]
    [Length(1, 256)]
    [Pattern(JsonPathPattern)]
    public string? JsonPath { get; init; }

    [Description("Headers sent with the GET, e.g. Authorization with a bearer token from a Secret in the ModelDeployment's namespace. At most 10.")]
    [Items(0, HttpHeader.MaxHeaders)]
    [ListMap("name")]
    public IReadOnlyList<HttpHeader>? Headers { get; init; }

    /// <summary>Dot-separated member names or indexes; no wildcards, no filters.</summary>
    public const string JsonPathPattern = "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$";
}
