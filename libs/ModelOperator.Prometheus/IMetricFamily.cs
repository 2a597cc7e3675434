namespace ModelOperator.Prometheus;

/// <summary>What the registry needs from a registered metric to expose it.</summary>
internal interface IMetricFamily
{
    string Name { get; }

    /// <summary>Every series name this family writes (the name itself, or the histogram's _bucket/_sum/_count).</summary>
    IReadOnlyList<string> SeriesNames { get; }

    /// <summary>Writes HELP, TYPE and the samples; writes nothing when the family has no children yet.</summary>
    void Write(ExpositionWriter writer);
}
