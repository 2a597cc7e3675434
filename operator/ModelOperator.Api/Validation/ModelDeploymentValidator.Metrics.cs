using System.Text.RegularExpressions;

namespace ModelOperator.Api.Validation;

/// <summary>spec.rollout.analysis.metrics: what the CRD schema cannot say about a user metric.</summary>
public static partial class ModelDeploymentValidator
{
    private static void CheckMetrics(IReadOnlyList<AnalysisMetric>? metrics, List<FieldProblem> problems)
    {
        if (metrics is null)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < metrics.Count; i++)
        {
            var path = $"spec.rollout.analysis.metrics[{i}]";
            var metric = metrics[i];
            if (string.IsNullOrEmpty(metric.Name) || !MetricName().IsMatch(metric.Name))
            {
                problems.Add(new($"{path}.name", $"\"{Shorten(metric.Name)}\" is not a metric name; use lower-case letters, digits and '-' (a DNS label, e.g. checkout-errors)"));
            }
            else if (!seen.Add(metric.Name))
            {
                problems.Add(new($"{path}.name", $"\"{metric.Name}\" is used by an earlier metric; names must be unique"));
            }

            if (metric.Prometheus is null == metric.Web is null)
            {
                problems.Add(new(path, $"sets {(metric.Web is null ? "neither" : "both")} prometheus and web; set exactly one"));
            }

            if (metric.Min is null && metric.Max is null)
            {
                problems.Add(new(path, "has neither min nor max; set the lowest passing value, the highest, or both"));
            }
            else if (metric.Min is { } min && metric.Max is { } max && min > max)
            {
                problems.Add(new($"{path}.min", $"{min} is above max {max}; no value could pass"));
            }

            if (metric.Min is { } lo && !double.IsFinite(lo) || metric.Max is { } hi && !double.IsFinite(hi))
            {
                problems.Add(new(path, "min and max must be finite numbers"));
            }

            if (metric.Prometheus is { } prometheus)
            {
                CheckTemplate($"{path}.prometheus.query", prometheus.Query, problems);
                if (prometheus.SamplesQuery is not null)
                {
                    CheckTemplate($"{path}.prometheus.samplesQuery", prometheus.SamplesQuery, problems);
                }

                if (prometheus.Address is { } address && !IsHttpUrl(address))
                {
                    problems.Add(new($"{path}.prometheus.address", $"\"{Shorten(address)}\" is not an http:// or https:// URL; write e.g. http://prometheus.monitoring:9090"));
                }
            }

            if (metric.MinSamples is not null && metric.Prometheus?.SamplesQuery is null)
            {
                problems.Add(new($"{path}.minSamples", "needs prometheus.samplesQuery, the query that counts the samples; set it or remove minSamples"));
            }

            if (metric.Web is { } web)
            {
                CheckTemplate($"{path}.web.url", web.Url, problems);
                if (web.Url is { } url && !IsHttpUrl(url))
                {
                    problems.Add(new($"{path}.web.url", $"\"{Shorten(url)}\" is not an http:// or https:// URL"));
                }

                if (string.IsNullOrEmpty(web.JsonPath) || !JsonPath().IsMatch(web.JsonPath))
                {
                    problems.Add(new($"{path}.web.jsonPath", $"\"{Shorten(web.JsonPath)}\" is not a path; write member names and array indexes separated by dots, e.g. data.0.value"));
                }

                CheckHeaders($"{path}.web.headers", web.Headers, problems);
            }
        }
    }

    private static void CheckTemplate(string path, string? template, List<FieldProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            problems.Add(new(path, "is missing"));
            return;
        }

        if (MetricTemplate.Unknown(template) is { Count: > 0 } unknown)
        {
            problems.Add(new(path, $"uses the unknown placeholder{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}; allowed: {MetricTemplate.Allowed}"));
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value.Replace("{{", "x", StringComparison.Ordinal).Replace("}}", "x", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https" && uri.Host.Length > 0;

    [GeneratedRegex(AnalysisMetric.NamePattern)]
    private static partial Regex MetricName();

    [GeneratedRegex(WebMetricSource.JsonPathPattern)]
    private static partial Regex JsonPath();
}
