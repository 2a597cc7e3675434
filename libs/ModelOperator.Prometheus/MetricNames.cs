namespace ModelOperator.Prometheus;

/// <summary>
/// Validation of metric and label names against the Prometheus data model:
/// metric names match <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label names match <c>[a-zA-Z_][a-zA-Z0-9_]*</c>,
/// and label names starting with <c>__</c> are reserved for Prometheus itself.
/// </summary>
internal static class MetricNames
{
    public const string CounterSuffix = "_total";

    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    public static void ValidateMetricName(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValidMetricName(name))
        {
            throw new ArgumentException(
                $"Metric name \"{name}\" is not valid: it must match [a-zA-Z_:][a-zA-Z0-9_:]* (a letter, '_' or ':' first, then letters, digits, '_' or ':').",
                paramName);
        }
    }

    public static bool IsValidMetricName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public static void ValidateLabelName(string metricName, string labelName, string paramName)
    {
        if (labelName is null)
        {
            throw new ArgumentException($"Metric \"{metricName}\": a label name is null; label names must be non-empty strings.", paramName);
        }

        if (!IsValidLabelName(labelName))
        {
            throw new ArgumentException(
                $"Metric \"{metricName}\": label name \"{labelName}\" is not valid: it must match [a-zA-Z_][a-zA-Z0-9_]* (a letter or '_' first, then letters, digits or '_').",
                paramName);
        }

        if (labelName.StartsWith("__", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Metric \"{metricName}\": label name \"{labelName}\" starts with \"__\", which is reserved for Prometheus' internal labels; choose a name without the double-underscore prefix.",
                paramName);
        }
    }

    public static bool IsValidLabelName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public static void ValidateHelp(string metricName, string help, string paramName)
    {
        if (string.IsNullOrWhiteSpace(help))
        {
            throw new ArgumentException(
                $"Metric \"{metricName}\": help text is empty; every metric needs a one-line description (promtool rejects metrics without help).",
                paramName);
        }
    }

    /// <summary>Validates the label names of a metric family and returns a private copy.</summary>
    public static string[] ValidateLabelNames(string metricName, string[] labelNames, bool isHistogram, string paramName)
    {
        ArgumentNullException.ThrowIfNull(labelNames, paramName);
        var copy = (string[])labelNames.Clone();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string label in copy)
        {
            ValidateLabelName(metricName, label, paramName);
            if (isHistogram && label == "le")
            {
                throw new ArgumentException(
                    $"Histogram \"{metricName}\": label name \"le\" is reserved for bucket upper bounds; choose another label name.",
                    paramName);
            }

            if (!seen.Add(label))
            {
                throw new ArgumentException(
                    $"Metric \"{metricName}\": label name \"{label}\" is given twice; each label name may appear once.",
                    paramName);
            }
        }

        return copy;
    }

    /// <summary>Checks the suffix rules that keep families apart: counters end in <c>_total</c>, nothing else does, and only histograms emit <c>_bucket</c>/<c>_sum</c>/<c>_count</c>.</summary>
    public static void ValidateSuffix(string name, MetricType type, string paramName)
    {
        bool endsInTotal = name.EndsWith(CounterSuffix, StringComparison.Ordinal);
        if (type == MetricType.Counter)
        {
            if (!endsInTotal || name.Length == CounterSuffix.Length)
            {
                throw new ArgumentException(
                    $"Counter name \"{name}\" must end in \"_total\" after a non-empty base name (for example \"{name}_total\"); that is the Prometheus naming convention for counters.",
                    paramName);
            }

            return;
        }

        if (endsInTotal)
        {
            throw new ArgumentException(
                $"{TypeNoun(type)} name \"{name}\" ends in \"_total\", which is reserved for counters; drop the suffix or make it a counter.",
                paramName);
        }

        foreach (string suffix in HistogramSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && type != MetricType.Histogram)
            {
                throw new ArgumentException(
                    $"{TypeNoun(type)} name \"{name}\" ends in \"{suffix}\", which is reserved for the series of histograms; choose another name.",
                    paramName);
            }
        }
    }

    public static string TypeNoun(MetricType type) => type switch
    {
        MetricType.Counter => "Counter",
        MetricType.Gauge => "Gauge",
        MetricType.Histogram => "Histogram",
        _ => type.ToString(),
    };

    public static string TypeKeyword(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown metric type."),
    };
}

internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
