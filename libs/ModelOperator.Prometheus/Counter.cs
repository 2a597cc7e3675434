namespace ModelOperator.Prometheus;

/// <summary>
/// A monotonically increasing count. The name ends in <c>_total</c>; in the 0.0.4 text format the HELP and TYPE
/// lines carry that full name too (for example <c># TYPE requests_total counter</c>), which is what the Go client
/// writes and what <c>promtool check metrics</c> accepts (it warns about counters <em>without</em> the suffix).
/// </summary>
public sealed class Counter : IMetricFamily
{
    private readonly ChildStore<Child> _children;
    private readonly string _help;

    internal Counter(string name, string help, string[] labelNames, int maxLabelSets)
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

    /// <summary>Increments the counter of a metric declared without labels.</summary>
    public void Inc(double v = 1) => _children.RequireUnlabelled("Counter").Inc(v);

    void IMetricFamily.Write(ExpositionWriter writer)
    {
        Child[] children = _children.Ordered;
        if (children.Length == 0)
        {
            return;
        }

        writer.WriteHeader(Name, _help, MetricType.Counter);
        foreach (Child child in children)
        {
            writer.WriteSample(Name, default, child.Labels, child.Value);
        }
    }

    /// <summary>One labelled series of a counter. Cache it: <see cref="Inc"/> takes no lock and allocates nothing.</summary>
    public sealed class Child
    {
        private long _bits;

        internal Child(byte[] labels) => Labels = labels;

        internal byte[] Labels { get; }

        public double Value => AtomicDouble.Read(ref _bits);

        /// <summary>Adds <paramref name="v"/>, which must be zero or positive (a counter never goes down).</summary>
        public void Inc(double v = 1)
        {
            if (!(v >= 0))
            {
                ThrowNegative(v);
            }

            AtomicDouble.Add(ref _bits, v);
        }

        private static void ThrowNegative(double v) =>
            throw new ArgumentOutOfRangeException(nameof(v), v, "A counter can only be increased by zero or a positive amount; use a gauge for values that go down.");
    }
}
