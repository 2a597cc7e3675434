using System.Collections.Concurrent;

namespace ModelOperator.Prometheus;

/// <summary>
/// The children of one metric family, one per label-value set, kept in creation order and capped in number.
/// Lookups of an existing child take no lock; creating a child takes a lock and checks the cap.
/// </summary>
internal sealed class ChildStore<TChild>
    where TChild : class
{
    private readonly ConcurrentDictionary<LabelValues, TChild> _byLabels = new();
    private readonly object _gate = new();
    private readonly string _metricName;
    private readonly string[] _labelNames;
    private readonly int _maxChildren;
    private readonly Func<string[], byte[], TChild> _create;
    private TChild[] _ordered = [];

    public ChildStore(string metricName, string[] labelNames, int maxChildren, Func<string[], byte[], TChild> create)
    {
        _metricName = metricName;
        _labelNames = labelNames;
        _maxChildren = maxChildren;
        _create = create;
        if (labelNames.Length == 0)
        {
            // An unlabelled metric has exactly one child, present (at zero) from the start.
            Unlabelled = GetOrAdd([]);
        }
    }

    /// <summary>The single child of a metric declared without labels; null when the metric has labels.</summary>
    public TChild? Unlabelled { get; }

    /// <summary>Children in creation order; a stable snapshot safe to enumerate while others add.</summary>
    public TChild[] Ordered => Volatile.Read(ref _ordered);

    public int Count => Ordered.Length;

    public TChild GetOrAdd(string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != _labelNames.Length)
        {
            throw new ArgumentException(
                $"Metric \"{_metricName}\" has {_labelNames.Length} label(s) ({Describe(_labelNames)}) but {values.Length} value(s) were given; pass one value per label, in that order.",
                nameof(values));
        }

        if (_byLabels.TryGetValue(new LabelValues(values), out TChild? existing))
        {
            return existing;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is null)
            {
                throw new ArgumentException(
                    $"Metric \"{_metricName}\": the value of label \"{_labelNames[i]}\" is null; label values must be strings (empty is allowed).",
                    nameof(values));
            }
        }

        lock (_gate)
        {
            var key = new LabelValues((string[])values.Clone());
            if (_byLabels.TryGetValue(key, out existing))
            {
                return existing;
            }

            if (_ordered.Length >= _maxChildren)
            {
                throw new InvalidOperationException(
                    $"Metric \"{_metricName}\" already has {_maxChildren} label sets, the most allowed; label values must come from a small bounded set (never per request, user or pod). Refused new set: {DescribePairs(key.Values)}.");
            }

            TChild child = _create(key.Values, ExpositionWriter.RenderLabels(_labelNames, key.Values));
            var grown = new TChild[_ordered.Length + 1];
            _ordered.CopyTo(grown, 0);
            grown[^1] = child;
            _byLabels[key] = child;
            Volatile.Write(ref _ordered, grown);
            return child;
        }
    }

    public TChild RequireUnlabelled(string kind) =>
        Unlabelled ?? throw new InvalidOperationException(
            $"{kind} \"{_metricName}\" has labels ({Describe(_labelNames)}); call WithLabels(...) with their values first.");

    private static string Describe(string[] names) => names.Length == 0 ? "none" : string.Join(", ", names);

    private string DescribePairs(string[] values) =>
        string.Join(", ", _labelNames.Select((n, i) => $"{n}=\"{values[i]}\""));
}
