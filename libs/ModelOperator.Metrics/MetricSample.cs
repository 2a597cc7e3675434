namespace ModelOperator.Metrics;

/// <summary>One sample of a Prometheus text exposition (or one element of a PromQL vector): name, labels, value.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>The value of label <paramref name="name"/>, or empty when the sample does not carry it.</summary>
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : string.Empty;
}
