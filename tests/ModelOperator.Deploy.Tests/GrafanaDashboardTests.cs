using System.Text;
using System.Text.Json.Nodes;
using ModelOperator.Testing;

namespace ModelOperator.Deploy.Tests;

/// <summary>
/// The Grafana dashboard (deploy/grafana): it parses, every panel can render (title, data source, unit), every PromQL
/// expression passes the real promtool, and every metric it reads is one the code really exports.
/// </summary>
public sealed class GrafanaDashboardTests
{
    private static (int Exit, string Output) CheckRules(IEnumerable<(string Where, string Expr)> queries)
    {
        var yaml = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        var i = 0;
        foreach (var (where, expr) in queries)
        {
            // A recording rule per query: promtool check rules parses each expression with Prometheus's own parser.
            yaml.Append("      # ").Append(where).Append('\n')
                .Append("      - record: dashboard:query_").Append(i++).Append('\n')
                .Append("        expr: ").Append(JsonValue.Create(GrafanaDashboard.Substitute(expr)).ToJsonString()).Append('\n');
        }

        var file = Path.Combine(Path.GetTempPath(), $"dashboard-rules-{Guid.NewGuid():N}.yml");
        File.WriteAllText(file, yaml.ToString());
        try
        {
            return Promtool.Run(Path.GetTempPath(), "check", "rules", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_dashboard_is_grafana_json_with_the_datasource_namespace_and_modeldeployment_variables()
    {
        var dashboard = GrafanaDashboard.Load();

        Assert.Equal(39, (int)dashboard["schemaVersion"]!);
        Assert.False(string.IsNullOrEmpty((string?)dashboard["uid"]));
        var variables = dashboard["templating"]!["list"]!.AsArray().ToDictionary(v => (string)v!["name"]!, v => v!.AsObject());
        Assert.Equal(["datasource", "namespace", "modeldeployment"], variables.Keys);
        Assert.Equal("prometheus", (string?)variables["datasource"]["query"]);
        Assert.Equal("label_values(modeloperator_phase, namespace)", (string?)variables["namespace"]["query"]!["query"]);
        Assert.Equal("label_values(modeloperator_phase{namespace=\"$namespace\"}, name)", (string?)variables["modeldeployment"]["query"]!["query"]);
    }

    [Fact]
    public void Every_panel_has_a_title_a_datasource_a_unit_and_queries()
    {
        var panels = GrafanaDashboard.DataPanels(GrafanaDashboard.Load()).ToList();

        Assert.True(panels.Count >= 15, $"{panels.Count} panels");
        Assert.All(panels, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)p["title"]), p.ToJsonString());
            Assert.Equal("${datasource}", (string?)p["datasource"]?["uid"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)p["fieldConfig"]?["defaults"]?["unit"]), $"panel \"{p["title"]}\" has no unit");
            Assert.NotEmpty(p["targets"]!.AsArray());
            Assert.All(p["targets"]!.AsArray(), t => Assert.False(string.IsNullOrWhiteSpace((string?)t!["expr"]), $"panel \"{p["title"]}\" has an empty query"));
        });
        Assert.Equal(panels.Count, panels.Select(p => (string)p["title"]!).Distinct().Count());
        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
    }

    [Fact]
    public void The_panels_the_issue_asks_for_are_there()
    {
        var titles = GrafanaDashboard.DataPanels(GrafanaDashboard.Load()).Select(p => (string)p["title"]!).ToHashSet();

        Assert.Subset(titles, new HashSet<string>
        {
            "Request rate by revision", "Latency p50 and p99 by revision", "Error ratio by revision", "Canary weight", "Phase",
            "Rollbacks by reason", "Rollout outcomes", "Feature drift PSI", "Feature drift JS distance", "Prediction drift PSI",
            "Prediction drift JS distance", "Replicas: ready, desired and recommended",
        });
    }

    [Fact]
    public void Every_query_passes_promtool()
    {
        var queries = GrafanaDashboard.Queries(GrafanaDashboard.Load()).ToList();

        var (exit, output) = CheckRules(queries);

        Assert.True(exit == 0, output);
        Assert.Contains($"{queries.Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_query_fails_promtool_so_the_check_can_fail()
    {
        var (exit, output) = CheckRules([("broken", "sum by (revision) (rate(modelserver_requests_total{namespace=\"$namespace\"}[$__rate_interval])")]);

        Assert.NotEqual(0, exit);
        Assert.Contains("dashboard:query_0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_metric_the_dashboard_reads_is_exported_by_the_code()
    {
        var exported = (await ExportedMetrics.AllAsync()).Values.SelectMany(f => f.SeriesNames).Concat(GrafanaDashboard.External).ToHashSet(StringComparer.Ordinal);
        var used = GrafanaDashboard.Queries(GrafanaDashboard.Load()).SelectMany(q => GrafanaDashboard.MetricNames(q.Expr).Select(n => (q.Where, Name: n))).ToList();

        Assert.True(used.Select(u => u.Name).Distinct().Count() >= 15, string.Join(", ", used.Select(u => u.Name).Distinct()));
        var unknown = used.Where(u => !exported.Contains(u.Name)).Select(u => $"{u.Where}: {u.Name}").ToList();
        Assert.True(unknown.Count == 0, "not exported by the operator or the model server:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void Metric_names_are_read_from_selectors_and_ranges_not_from_labels_strings_or_functions()
    {
        var names = GrafanaDashboard.MetricNames(
            "histogram_quantile(0.99, sum by (revision, le) (label_replace(rate(modelserver_request_duration_seconds_bucket{pod=~\"a_b{1}\"}[5m]), \"revision\", \"$1\", \"pod\", \"x_y\")))"
            + " / ignoring (le) group_left sum(increase(modeloperator_rollbacks_total[1h])) + workqueue_depth");

        Assert.Equal(["modelserver_request_duration_seconds_bucket", "modeloperator_rollbacks_total", "workqueue_depth"], names);
    }
}
