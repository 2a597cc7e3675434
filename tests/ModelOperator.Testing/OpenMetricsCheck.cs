using System.Globalization;
using ModelOperator.Metrics;
using Xunit;

namespace ModelOperator.Testing;

/// <summary>
/// Checks the structure of an OpenMetrics 1.0 text exposition, which <c>promtool check metrics</c> cannot lint: it ends
/// with <c># EOF</c> and nothing after it; there are no blank lines; each family has one TYPE, given before its samples,
/// and its samples are contiguous; counters are named without <c>_total</c> and their samples with it; gauge samples carry
/// the family's name; a histogram's series are <c>_bucket</c> (with <c>le</c>, cumulative, ending at <c>+Inf</c> equal to
/// <c>_count</c>), <c>_count</c> and <c>_sum</c>; label values are quoted and a label set appears once per series name.
/// </summary>
public static class OpenMetricsCheck
{
    public static void AssertValid(string exposition)
    {
        var problems = Problems(exposition);
        Assert.True(problems.Count == 0, "not valid OpenMetrics:\n" + string.Join('\n', problems) + "\n--- exposition ---\n" + exposition);
    }

    public static IReadOnlyList<string> Problems(string exposition)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        var problems = new List<string>();
        if (!exposition.EndsWith("# EOF\n", StringComparison.Ordinal) && !exposition.EndsWith("# EOF", StringComparison.Ordinal))
        {
            problems.Add("it does not end with \"# EOF\"");
        }

        var lines = exposition.TrimEnd('\n').Split('\n');
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var buckets = new Dictionary<string, List<(double Le, double Value)>>(StringComparer.Ordinal);
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        string? current = null;
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n];
            string where = $"line {n + 1} \"{line}\"";
            if (line == "# EOF")
            {
                if (n != lines.Length - 1)
                {
                    problems.Add($"{where}: # EOF before the end");
                }

                continue;
            }

            if (line.Length == 0)
            {
                problems.Add($"{where}: blank line");
                continue;
            }

            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length < 3 || parts[1] is not ("HELP" or "TYPE" or "UNIT"))
                {
                    problems.Add($"{where}: a comment that is not HELP, TYPE or UNIT");
                    continue;
                }

                string family = parts[2];
                if (family != current)
                {
                    if (current is not null)
                    {
                        finished.Add(current);
                    }

                    if (finished.Contains(family))
                    {
                        problems.Add($"{where}: family {family} appears twice");
                    }

                    current = family;
                }

                if (parts[1] == "TYPE")
                {
                    string type = parts.Length > 3 ? parts[3] : string.Empty;
                    if (!types.TryAdd(family, type))
                    {
                        problems.Add($"{where}: a second TYPE for {family}");
                    }

                    if (type == "counter" && family.EndsWith("_total", StringComparison.Ordinal))
                    {
                        problems.Add($"{where}: a counter family named with _total (its samples carry the suffix)");
                    }
                }

                continue;
            }

            if (!IsOpenMetricsSpacing(line) || !PrometheusText.TryParseSample(line, out var sample))
            {
                problems.Add($"{where}: not a sample line");
                continue;
            }

            var (name, value) = (sample.Name, sample.Value);
            var labels = new SortedDictionary<string, string>(sample.Labels.ToDictionary(), StringComparer.Ordinal);

            string? owner = current is not null && types.TryGetValue(current, out string? currentType) && SeriesOf(current, currentType).Contains(name) ? current : null;
            if (owner is null)
            {
                problems.Add($"{where}: sample {name} is not a series of the family above it ({current ?? "none"})");
                continue;
            }

            string ownerType = types[owner];
            if (!seen.Add(name + "{" + string.Join(",", labels) + "}"))
            {
                problems.Add($"{where}: the same series twice");
            }

            if (ownerType == "counter" && !(value >= 0))
            {
                problems.Add($"{where}: a counter below zero or NaN");
            }

            if (ownerType == "histogram")
            {
                string key = string.Join(',', labels.Where(l => l.Key != "le"));
                if (name.EndsWith("_bucket", StringComparison.Ordinal))
                {
                    if (!labels.TryGetValue("le", out string? le) || !PrometheusText.TryParseValue(le, out double bound))
                    {
                        problems.Add($"{where}: a bucket without a numeric le");
                        continue;
                    }

                    var list = buckets.TryGetValue(owner + "|" + key, out var known) ? known : buckets[owner + "|" + key] = [];
                    list.Add((bound, value));
                }
                else if (name.EndsWith("_count", StringComparison.Ordinal))
                {
                    counts[owner + "|" + key] = value;
                }
            }
        }

        foreach (var (key, list) in buckets)
        {
            var ordered = list.OrderBy(b => b.Le).ToList();
            for (int i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].Value < ordered[i - 1].Value)
                {
                    problems.Add($"histogram {key}: buckets are not cumulative at le={ordered[i].Le.ToString(CultureInfo.InvariantCulture)}");
                }
            }

            if (ordered.Count == 0 || !double.IsPositiveInfinity(ordered[^1].Le))
            {
                problems.Add($"histogram {key}: no +Inf bucket");
            }
            else if (!counts.TryGetValue(key, out double count) || count != ordered[^1].Value)
            {
                problems.Add($"histogram {key}: _count differs from the +Inf bucket");
            }
        }

        return problems;
    }

    private static HashSet<string> SeriesOf(string family, string type) => type switch
    {
        "counter" => [family + "_total", family + "_created"],
        "histogram" => [family + "_bucket", family + "_count", family + "_sum", family + "_created"],
        "summary" => [family, family + "_count", family + "_sum", family + "_created"],
        "info" => [family + "_info"],
        _ => [family],
    };

    // OpenMetrics separates the parts of a sample line with exactly one space and allows none inside a label set;
    // PrometheusText (the one grammar of a sample line) is lenient about blanks, so that is checked here.
    private static bool IsOpenMetricsSpacing(string line)
    {
        bool quoted = false, inLabels = false;
        var spaces = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                i += c == '\\' ? 1 : 0;
                quoted = c != '"';
                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case '{' or '}':
                    inLabels = c == '{';
                    break;
                case '\t':
                    return false;
                case ' ' when inLabels || i == 0 || line[i - 1] == ' ':
                    return false;
                case ' ':
                    spaces++;
                    break;
            }
        }

        return spaces is 1 or 2 && line[^1] != ' ';
    }
}
