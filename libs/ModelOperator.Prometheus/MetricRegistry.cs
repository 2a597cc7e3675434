using System.Buffers;
using System.Text;

namespace ModelOperator.Prometheus;

/// <summary>
/// A set of metrics exposed together in the Prometheus text format 0.0.4.
/// Families appear in registration order, their children in creation order, then whatever collectors write.
/// </summary>
/// <remarks>
/// Creating metrics validates names up front (see the messages for the rules). Recording a value on a cached
/// child is lock-free and allocation-free; scraping reads the values without stopping writers.
/// </remarks>
public sealed class MetricRegistry
{
    /// <summary>The HTTP Content-Type of <see cref="WriteTo"/>'s output.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The default cap on label sets per metric.</summary>
    public const int DefaultMaxLabelSetsPerMetric = 1000;

    private readonly object _gate = new();
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private IMetricFamily[] _families = [];
    private Action<ICollectorWriter>[] _collectors = [];

    public MetricRegistry()
        : this(DefaultMaxLabelSetsPerMetric)
    {
    }

    /// <param name="maxLabelSetsPerMetric">How many distinct label-value sets one metric may have before <c>WithLabels</c> refuses a new one.</param>
    public MetricRegistry(int maxLabelSetsPerMetric)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLabelSetsPerMetric, 1);
        MaxLabelSetsPerMetric = maxLabelSetsPerMetric;
    }

    public int MaxLabelSetsPerMetric { get; }

    /// <summary>Creates a counter; <paramref name="name"/> must end in <c>_total</c>.</summary>
    public Counter CreateCounter(string name, string help, params string[] labelNames)
    {
        string[] labels = Validate(name, help, labelNames, MetricType.Counter);
        return Register(new Counter(name, help, labels, MaxLabelSetsPerMetric));
    }

    public Gauge CreateGauge(string name, string help, params string[] labelNames)
    {
        string[] labels = Validate(name, help, labelNames, MetricType.Gauge);
        return Register(new Gauge(name, help, labels, MaxLabelSetsPerMetric));
    }

    /// <param name="buckets">Finite, strictly increasing upper bounds; the +Inf bucket is implicit.</param>
    public Histogram CreateHistogram(string name, string help, double[] buckets, params string[] labelNames)
    {
        string[] labels = Validate(name, help, labelNames, MetricType.Histogram);
        double[] bounds = Histogram.ValidateBuckets(name, buckets, nameof(buckets));
        return Register(new Histogram(name, help, bounds, labels, MaxLabelSetsPerMetric));
    }

    /// <summary>Adds a callback run at every scrape, for values read at scrape time.</summary>
    public void AddCollector(Action<ICollectorWriter> collect)
    {
        ArgumentNullException.ThrowIfNull(collect);
        lock (_gate)
        {
            _collectors = [.. _collectors, collect];
        }
    }

    /// <summary>Writes the whole exposition as UTF-8.</summary>
    /// <exception cref="InvalidOperationException">A collector wrote a name that clashes with a registered metric or with itself under another type.</exception>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        IMetricFamily[] families;
        Action<ICollectorWriter>[] collectors;
        HashSet<string> usedNames;
        lock (_gate)
        {
            families = _families;
            collectors = _collectors;
            usedNames = collectors.Length > 0 ? new HashSet<string>(_usedNames, StringComparer.Ordinal) : _usedNames;
        }

        // Run collectors first so a failing collector leaves the output untouched.
        CollectedFamilies? collected = null;
        if (collectors.Length > 0)
        {
            collected = new CollectedFamilies(usedNames);
            foreach (Action<ICollectorWriter> collect in collectors)
            {
                collect(collected);
            }
        }

        var writer = new ExpositionWriter(output);
        foreach (IMetricFamily family in families)
        {
            family.Write(writer);
        }

        collected?.WriteTo(writer);
    }

    /// <summary>The exposition as a string (for tests and diagnostics).</summary>
    public string Scrape()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string[] Validate(string name, string help, string[] labelNames, MetricType type)
    {
        MetricNames.ValidateMetricName(name, nameof(name));
        MetricNames.ValidateSuffix(name, type, nameof(name));
        MetricNames.ValidateHelp(name, help, nameof(help));
        return MetricNames.ValidateLabelNames(name, labelNames, type == MetricType.Histogram, nameof(labelNames));
    }

    private T Register<T>(T family)
        where T : IMetricFamily
    {
        lock (_gate)
        {
            var names = new List<string> { family.Name };
            names.AddRange(family.SeriesNames);
            foreach (string n in names)
            {
                if (_usedNames.Contains(n))
                {
                    throw new ArgumentException(
                        n == family.Name
                            ? $"A metric named \"{family.Name}\" (or a histogram series of that name) is already registered; each name may be registered once. Keep the first instance and reuse it."
                            : $"Metric \"{family.Name}\" would write series \"{n}\", which an already registered metric uses; choose another name.",
                        "name");
                }
            }

            foreach (string n in names)
            {
                _usedNames.Add(n);
            }

            _families = [.. _families, family];
            return family;
        }
    }
}
