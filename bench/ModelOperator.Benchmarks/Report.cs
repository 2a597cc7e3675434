using System.Globalization;
using System.Text;
using ModelOperator.Metrics;

namespace ModelOperator.Benchmarks;

/// <summary>Shared pieces of the benchmark sections: verdict rows and reading a server's /metrics.</summary>
internal static class Report
{
    /// <summary>One row of a section's target table: what was asked, what was measured, and whether it holds.</summary>
    public static void Verdict(StringBuilder s, string target, string measured, bool ok) =>
        s.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {measured} | {(ok ? "meets" : "MISSES")} |");

    /// <summary>Sum of the samples of <paramref name="metric"/> (optionally only those whose labels contain a fragment) in a child's /metrics.</summary>
    public static async Task<double> ScrapeAsync(ChildProcess server, string metric, string? labelFragment = null)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync(server.Url("/metrics")).ConfigureAwait(false);
        return PrometheusText.Parse(text, out _)
            .Where(s => s.Name == metric && (labelFragment is null || LabelText(s).Contains(labelFragment, StringComparison.Ordinal)))
            .Sum(s => s.Value);
    }

    // The labels as the exposition writes them (name="value", ...), for matching a fragment such as outcome="success".
    private static string LabelText(MetricSample sample) =>
        string.Join(',', sample.Labels.Select(l => $"{l.Key}=\"{l.Value}\""));
}
