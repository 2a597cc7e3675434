using System.Globalization;
using System.Text;

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
        var total = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is ' ' or '{'
                && (labelFragment is null || line.Contains(labelFragment, StringComparison.Ordinal)))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
