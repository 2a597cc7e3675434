using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ModelOperator.Deploy.Tests;

/// <summary>The Grafana dashboard's JSON and the PromQL in it.</summary>
internal static partial class GrafanaDashboard
{
    /// <summary>Series the dashboard reads that neither process exports (kube-state-metrics); docs/metrics.md lists the same.</summary>
    public static readonly string[] External = ["kube_deployment_spec_replicas", "kube_deployment_status_replicas_ready"];

    public static string FilePath => System.IO.Path.Combine(AppContext.BaseDirectory, "deploy", "grafana", "modeldeployment-dashboard.json");

    public static JsonObject Load() => (JsonObject)JsonNode.Parse(File.ReadAllText(FilePath))!;

    /// <summary>The panels that show data (rows only group them).</summary>
    public static IEnumerable<JsonObject> DataPanels(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().Select(p => p!.AsObject()).Where(p => (string?)p["type"] != "row");

    /// <summary>Every query: (where, PromQL) for panel targets and query variables.</summary>
    public static IEnumerable<(string Where, string Expr)> Queries(JsonObject dashboard)
    {
        foreach (var panel in DataPanels(dashboard))
        {
            foreach (var target in panel["targets"]!.AsArray())
            {
                yield return ($"panel \"{panel["title"]}\" target {target!["refId"]}", (string)target["expr"]!);
            }
        }

        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Where(v => (string?)v!["type"] == "query"))
        {
            var query = (string)variable!["query"]!["query"]!;
            var match = LabelValues().Match(query);
            Assert.True(match.Success, $"variable {variable["name"]}: expected label_values(<selector>, <label>), got {query}");
            yield return ($"variable {variable["name"]}", match.Groups["selector"].Value);
        }
    }

    /// <summary>The query with Grafana's variables replaced by values Prometheus accepts.</summary>
    public static string Substitute(string expr) => expr
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__range", "1h", StringComparison.Ordinal)
        .Replace("$namespace", "ml", StringComparison.Ordinal)
        .Replace("$modeldeployment", "churn", StringComparison.Ordinal);

    /// <summary>The metric names a query selects: identifiers followed by a label matcher or a range, outside strings.</summary>
    public static IEnumerable<string> MetricNames(string expr) =>
        Selector().Matches(Strings().Replace(expr, "\"\"")).Select(m => m.Groups["name"].Value)
            .Where(n => n is not ("by" or "without" or "on" or "ignoring" or "group_left" or "group_right"));

    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*(?<label>[a-zA-Z_]+)\)$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex Strings();

    [GeneratedRegex(@"(?<![a-zA-Z0-9_:])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=\{|\[|$)")]
    private static partial Regex Selector();
}
