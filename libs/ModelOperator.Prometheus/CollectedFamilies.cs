namespace ModelOperator.Prometheus;

/// <summary>
/// Gathers what collectors write during one scrape, grouped by family in first-seen order, then writes it.
/// Scrapes are off the hot path, so this allocates freely.
/// </summary>
internal sealed class CollectedFamilies(IReadOnlySet<string> registeredNames) : ICollectorWriter
{
    private readonly Dictionary<string, Family> _byName = new(StringComparer.Ordinal);
    private readonly List<Family> _ordered = [];

    public void WriteGauge(string name, string help, ReadOnlySpan<KeyValuePair<string, string>> labels, double value) =>
        Add(MetricType.Gauge, name, help, labels, value);

    public void WriteCounter(string name, string help, ReadOnlySpan<KeyValuePair<string, string>> labels, double value) =>
        Add(MetricType.Counter, name, help, labels, value);

    public void WriteTo(ExpositionWriter writer)
    {
        foreach (Family family in _ordered)
        {
            writer.WriteHeader(family.Name, family.Help, family.Type);
            foreach ((byte[] labels, double value) in family.Samples)
            {
                writer.WriteSample(family.Name, default, labels, value);
            }
        }
    }

    private void Add(MetricType type, string name, string help, ReadOnlySpan<KeyValuePair<string, string>> labels, double value)
    {
        if (!_byName.TryGetValue(name, out Family? family))
        {
            MetricNames.ValidateMetricName(name, nameof(name));
            MetricNames.ValidateSuffix(name, type, nameof(name));
            MetricNames.ValidateHelp(name, help, nameof(help));
            if (registeredNames.Contains(name))
            {
                throw new InvalidOperationException(
                    $"A collector wrote \"{name}\", which is already a registered metric (or one of a histogram's series); collectors must use names of their own.");
            }

            family = new Family(name, help, type);
            _byName.Add(name, family);
            _ordered.Add(family);
        }
        else if (family.Type != type)
        {
            throw new InvalidOperationException(
                $"Collectors wrote \"{name}\" both as a {MetricNames.TypeKeyword(family.Type)} and as a {MetricNames.TypeKeyword(type)}; a name has one type.");
        }

        if (type == MetricType.Counter && !(value >= 0))
        {
            throw new InvalidOperationException($"A collector wrote counter \"{name}\" with value {value}; counter values are zero or positive.");
        }

        var names = new string[labels.Length];
        var values = new string[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            MetricNames.ValidateLabelName(name, labels[i].Key, nameof(labels));
            if (Array.IndexOf(names, labels[i].Key, 0, i) >= 0)
            {
                throw new ArgumentException($"Metric \"{name}\": label name \"{labels[i].Key}\" is given twice in one sample; each label name may appear once.", nameof(labels));
            }

            names[i] = labels[i].Key;
            values[i] = labels[i].Value ?? throw new ArgumentException(
                $"Metric \"{name}\": the value of label \"{labels[i].Key}\" is null; label values must be strings (empty is allowed).", nameof(labels));
        }

        family.Samples.Add((ExpositionWriter.RenderLabels(names, values), value));
    }

    private sealed class Family(string name, string help, MetricType type)
    {
        public string Name { get; } = name;

        public string Help { get; } = help;

        public MetricType Type { get; } = type;

        public List<(byte[] Labels, double Value)> Samples { get; } = [];
    }
}
