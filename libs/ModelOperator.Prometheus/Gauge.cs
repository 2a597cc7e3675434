namespace ModelOperator.Prometheus;

/// <summary>A value that can go up and down.</summary>
public sealed class Gauge : IMetricFamily
{
    private readonly ChildStore<Child> _children;
    private readonly string _help;

    internal Gauge(string name, string help, string[] labelNames, int maxLabelSets)
    {
        Name = name;
        _help = help;
        SeriesNames = [name];
        _children = new ChildStore<Child>(name, labelNames, maxLabelSets, static (_, labels) => new Child(labels));
    }

    public string Name { get; }

    IReadOnlyList<string> IMetricFamily.SeriesNames => SeriesNames;

    private string[] SeriesNames { get; }

    /// <summary>The child for these label values (one per label, in declaration order), created at zero the first time.</summary>
    public Child WithLabels(params string[] values) => _children.GetOrAdd(values);

    public void Set(double v) => _children.RequireUnlabelled("Gauge").Set(v);

    public void Inc(double v = 1) => _children.RequireUnlabelled("Gauge").Inc(v);

    public void Dec(double v = 1) => _children.RequireUnlabelled("Gauge").Dec(v);

    void IMetricFamily.Write(ExpositionWriter writer)
    {
        Child[] children = _children.Ordered;
        if (children.Length == 0)
        {
            return;
        }

        writer.WriteHeader(Name, _help, MetricType.Gauge);
        foreach (Child child in children)
        {
            writer.WriteSample(Name, default, child.Labels, child.Value);
        }
    }

    /// <summary>One labelled series of a gauge. Cache it: its methods take no lock and allocate nothing.</summary>
    public sealed class Child
    {
        private long _bits;

        internal Child(byte[] labels) => Labels = labels;

        internal byte[] Labels { get; }

        public double Value => AtomicDouble.Read(ref _bits);

        public void Set(double v) => AtomicDouble.Set(ref _bits, v);

        public void Inc(double v = 1) => AtomicDouble.Add(ref _bits, v);

        public void Dec(double v = 1) => AtomicDouble.Add(ref _bits, -v);
    }
}
