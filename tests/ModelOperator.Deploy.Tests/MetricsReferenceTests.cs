using System.Text.RegularExpressions;

namespace ModelOperator.Deploy.Tests;

/// <summary>
/// docs/metrics.md against what the code really exports: every exported metric has a row with its type and labels, no
/// row names a metric that does not exist, and the metrics read from elsewhere are exactly the dashboard's.
/// </summary>
public sealed partial class MetricsReferenceTests
{
    private const string ElsewhereHeading = "## Read from elsewhere";

    private static string Doc => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "metrics.md"));

    /// <summary>Table rows whose first cell is a metric name in backticks, before (or after) the "read from elsewhere" heading.</summary>
    internal static Dictionary<string, string> Rows(string doc, bool elsewhere)
    {
        var at = doc.IndexOf(ElsewhereHeading, StringComparison.Ordinal);
        Assert.True(at > 0, $"docs/metrics.md has no \"{ElsewhereHeading}\" section");
        var part = elsewhere ? doc[at..] : doc[..at];
        return Row().Matches(part).ToDictionary(m => m.Groups["name"].Value, m => m.Value, StringComparer.Ordinal);
    }

    private static IEnumerable<string> Problems(string doc, IReadOnlyDictionary<string, MetricFamily> exported)
    {
        var rows = Rows(doc, elsewhere: false);
        foreach (var family in exported.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (!rows.TryGetValue(family.Name, out var row))
            {
                yield return $"{family.Name} ({family.Source}) is exported but has no row";
                continue;
            }

            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            if (cells[2] != family.Type)
            {
                yield return $"{family.Name}: the row says {cells[2]}, the exposition says {family.Type}";
            }

            // model and version are on every model-server series; the section says so once.
            foreach (var label in family.Labels.Where(l => !(family.Name.StartsWith("modelserver_", StringComparison.Ordinal) && l is "model" or "version")))
            {
                if (!cells[3].Contains($"`{label}`", StringComparison.Ordinal))
                {
                    yield return $"{family.Name}: label {label} is exported but not in the row";
                }
            }
        }

        foreach (var name in rows.Keys.Where(n => !exported.ContainsKey(n)))
        {
            yield return $"{name} has a row but is not exported";
        }
    }

    [Fact]
    public async Task Every_exported_metric_is_documented_with_its_type_and_labels_and_nothing_else_is()
    {
        var exported = await ExportedMetrics.AllAsync();

        var problems = Problems(Doc, exported).ToList();

        Assert.True(exported.Count >= 40, $"only {exported.Count} metric families collected");
        Assert.True(problems.Count == 0, "docs/metrics.md against the code:\n" + string.Join('\n', problems));
    }

    [Fact]
    public async Task A_missing_row_a_wrong_type_and_an_invented_metric_are_each_caught_so_the_check_can_fail()
    {
        var exported = await ExportedMetrics.AllAsync();
        var doc = Doc;
        var canaryRow = Rows(doc, elsewhere: false)["modeloperator_canary_weight"];

        var missing = Problems(doc.Replace(canaryRow, string.Empty, StringComparison.Ordinal), exported).ToList();
        var wrongType = Problems(doc.Replace(canaryRow, canaryRow.Replace("| gauge |", "| counter |", StringComparison.Ordinal), StringComparison.Ordinal), exported).ToList();
        var invented = Problems(doc.Replace(canaryRow, canaryRow + "\n| `modeloperator_canary_step` | gauge | `namespace`, `name` | the step | — |", StringComparison.Ordinal), exported).ToList();
        var unlabelled = Problems(doc.Replace(canaryRow, canaryRow.Replace("`namespace`, `name`", "`name`", StringComparison.Ordinal), StringComparison.Ordinal), exported).ToList();

        Assert.Equal(["modeloperator_canary_weight (operator) is exported but has no row"], missing);
        Assert.Equal(["modeloperator_canary_weight: the row says counter, the exposition says gauge"], wrongType);
        Assert.Equal(["modeloperator_canary_step has a row but is not exported"], invented);
        Assert.Equal(["modeloperator_canary_weight: label namespace is exported but not in the row"], unlabelled);
    }

    [Fact]
    public void The_metrics_read_from_elsewhere_are_exactly_those_the_dashboard_may_read()
    {
        Assert.Equal(GrafanaDashboard.External.Order(StringComparer.Ordinal), Rows(Doc, elsewhere: true).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_panel_the_reference_names_is_on_the_dashboard()
    {
        var titles = GrafanaDashboard.DataPanels(GrafanaDashboard.Load()).Select(p => (string)p["title"]!).ToHashSet(StringComparer.Ordinal);

        var named = PanelMention().Matches(Doc).SelectMany(m => m.Groups["title"].Captures.Select(c => c.Value)).Distinct().ToList();

        Assert.NotEmpty(named);
        Assert.All(named, t => Assert.Contains(t, titles));
    }

    [Fact]
    public void Every_alert_the_reference_names_exists_in_the_rules()
    {
        var rules = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "deploy", "prometheus", "modeloperator-rules.yml"));

        var named = AlertMention().Matches(Doc).SelectMany(m => m.Groups["alert"].Captures.Select(c => c.Value)).Distinct().ToList();

        Assert.NotEmpty(named);
        Assert.All(named, a => Assert.Contains($"- alert: {a}\n", rules, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z_:][a-z0-9_:]*)` \|.*$", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"panels? ""(?<title>[^""]+)""(?:, ""(?<title>[^""]+)"")*")]
    private static partial Regex PanelMention();

    [GeneratedRegex(@"alerts? `(?<alert>[A-Za-z]+)`(?:, `(?<alert>[A-Za-z]+)`)*")]
    private static partial Regex AlertMention();
}
