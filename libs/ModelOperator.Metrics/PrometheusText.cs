using System.Globalization;
using System.Text;

namespace ModelOperator.Metrics;

/// <summary>
/// The one reader of the Prometheus text exposition (version 0.0.4, and the sample lines of OpenMetrics 1.0), used by
/// the operator's analysis, the benchmarks and the tests. A sample line is
/// <c>name{label="value",...} value [timestamp]</c>: label values escape only <c>\\</c>, <c>\"</c> and <c>\n</c>,
/// a label appears once, the value is a float, <c>+Inf</c>, <c>-Inf</c> or <c>NaN</c>, the timestamp an integer or float.
/// Blanks and tabs separate the parts (OpenMetrics' single spaces are checked by the OpenMetrics test check, not here).
/// </summary>
public static class PrometheusText
{
    /// <summary>
    /// The samples of <paramref name="text"/>; comment lines (<c>#</c>) and blank lines are passed over. A line that does
    /// not parse is skipped, not fatal (a scrape is evidence, not a contract); <paramref name="skipped"/> counts them.
    /// </summary>
    public static IReadOnlyList<MetricSample> Parse(string text, out int skipped)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<MetricSample>();
        skipped = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (TryParseSample(line, out var sample))
            {
                samples.Add(sample);
            }
            else
            {
                skipped++;
            }
        }

        return samples;
    }

    /// <summary>Reads one sample line; false when it is not one (see the class summary for the grammar).</summary>
    public static bool TryParseSample(string line, out MetricSample sample)
    {
        ArgumentNullException.ThrowIfNull(line);
        sample = null!;
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ' or '\t'))
        {
            i++;
        }

        var name = line[..i];
        if (name.Length == 0)
        {
            return false;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{' && !TryParseLabels(line, ref i, labels))
        {
            return false;
        }

        var rest = line[i..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is not (1 or 2) || !TryParseValue(rest[0], out var value)
            || (rest.Length == 2 && !double.TryParse(rest[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            return false;
        }

        sample = new MetricSample(name, labels, value);
        return true;
    }

    /// <summary>A sample value: a float, <c>+Inf</c> (or <c>Inf</c>), <c>-Inf</c> or <c>NaN</c>.</summary>
    public static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    // From the '{' at i to just past the matching '}'.
    private static bool TryParseLabels(string line, ref int i, Dictionary<string, string> labels)
    {
        i++;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t' or ',')
            {
                i++;
            }

            if (i >= line.Length)
            {
                return false;
            }

            if (line[i] == '}')
            {
                i++;
                return true;
            }

            var eq = line.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"')
            {
                return false;
            }

            var key = line[i..eq].Trim();
            var value = new StringBuilder();
            var j = eq + 2;
            for (; j < line.Length && line[j] != '"'; j++)
            {
                if (line[j] != '\\')
                {
                    value.Append(line[j]);
                    continue;
                }

                j++;
                if (j >= line.Length || line[j] is not ('\\' or '"' or 'n'))
                {
                    return false;
                }

                value.Append(line[j] == 'n' ? '\n' : line[j]);
            }

            if (j >= line.Length || key.Length == 0 || !labels.TryAdd(key, value.ToString()))
            {
                return false;
            }

            i = j + 1;
        }
    }
}
