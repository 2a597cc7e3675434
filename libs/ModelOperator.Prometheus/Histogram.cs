namespace ModelOperator.Prometheus;

/// <summary>
/// Counts observations into buckets with fixed upper bounds. Exposed as cumulative <c>_bucket{le="..."}</c>
/// series ending with <c>le="+Inf"</c>, then <c>_sum</c> and <c>_count</c>; <c>_count</c> equals the <c>+Inf</c> bucket.
/// </summary>
public sealed class Histogram : IMetricFamily
{
    private readonly ChildStore<Child> _children;
    private readonly string _help;
    private readonly double[] _upperBounds;
    private readonly byte[][] _leLabels;

    internal Histogram(string name, string help, double[] upperBounds, string[] labelNames, int maxLabelSets)
    {
        Name = name;
        _help = help;
        _upperBounds = upperBounds;
        SeriesNames = [name + "_bucket", name + "_sum", name + "_count"];

        // le="..." rendered once per bound, +Inf last.
        _leLabels = new byte[upperBounds.Length + 1][];
        for (int i = 0; i <= upperBounds.Length; i++)
        {
            double bound = i < upperBounds.Length ? upperBounds[i] : double.PositiveInfinity;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(24);
            var w = new ExpositionWriter(buffer);
            w.WriteRaw("le=\""u8);
            w.WriteDouble(bound);
            w.WriteByte((byte)'"');
            _leLabels[i] = buffer.WrittenSpan.ToArray();
        }

        _children = new ChildStore<Child>(name, labelNames, maxLabelSets, (_, labels) => new Child(_upperBounds, labels));
    }

    public string Name { get; }

    IReadOnlyList<string> IMetricFamily.SeriesNames => SeriesNames;

    private string[] SeriesNames { get; }

    /// <summary>The finite upper bounds, strictly increasing (the +Inf bucket is implicit).</summary>
    public IReadOnlyList<double> UpperBounds => _upperBounds;

    /// <summary>The child for these label values (one per label, in declaration order), created empty the first time.</summary>
    public Child WithLabels(params string[] values) => _children.GetOrAdd(values);

    public void Observe(double v) => _children.RequireUnlabelled("Histogram").Observe(v);

    /// <summary><paramref name="count"/> bounds: start, start*factor, start*factor^2, ...; start &gt; 0, factor &gt; 1, count ≥ 1.</summary>
    public static double[] ExponentialBuckets(double start, double factor, int count)
    {
        if (!(start > 0) || double.IsInfinity(start))
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "Exponential buckets need a finite start greater than 0.");
        }

        if (!(factor > 1) || double.IsInfinity(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Exponential buckets need a finite factor greater than 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var buckets = new double[count];
        double bound = start;
        for (int i = 0; i < count; i++)
        {
            buckets[i] = bound;
            bound *= factor;
        }

        return buckets;
    }

    /// <summary><paramref name="count"/> bounds: start, start+width, start+2*width, ...; width &gt; 0, count ≥ 1.</summary>
    public static double[] LinearBuckets(double start, double width, int count)
    {
        if (!double.IsFinite(start))
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "Linear buckets need a finite start.");
        }

        if (!(width > 0) || double.IsInfinity(width))
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "Linear buckets need a finite width greater than 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var buckets = new double[count];
        for (int i = 0; i < count; i++)
        {
            buckets[i] = start + (i * width);
        }

        return buckets;
    }

    /// <summary>Checks the bounds are finite and strictly increasing; a trailing +Inf is accepted and dropped (it is always implicit).</summary>
    internal static double[] ValidateBuckets(string name, double[] buckets, string paramName)
    {
        ArgumentNullException.ThrowIfNull(buckets, paramName);
        int length = buckets.Length;
        if (length > 0 && double.IsPositiveInfinity(buckets[^1]))
        {
            length--;
        }

        if (length == 0)
        {
            throw new ArgumentException(
                $"Histogram \"{name}\" needs at least one finite bucket upper bound (the +Inf bucket is added automatically); see Histogram.ExponentialBuckets and LinearBuckets.",
                paramName);
        }

        for (int i = 0; i < length; i++)
        {
            if (!double.IsFinite(buckets[i]))
            {
                throw new ArgumentException(
                    $"Histogram \"{name}\": bucket bound {i} is {buckets[i]}; bounds must be finite numbers (only a trailing +Inf is allowed).",
                    paramName);
            }

            if (i > 0 && !(buckets[i] > buckets[i - 1]))
            {
                throw new ArgumentException(
                    $"Histogram \"{name}\": bucket bounds must be strictly increasing, but bound {i} ({buckets[i]}) is not greater than bound {i - 1} ({buckets[i - 1]}).",
                    paramName);
            }
        }

        return buckets[..length];
    }

    void IMetricFamily.Write(ExpositionWriter writer)
    {
        Child[] children = _children.Ordered;
        if (children.Length == 0)
        {
            return;
        }

        writer.WriteHeader(Name, _help, MetricType.Histogram);
        foreach (Child child in children)
        {
            long cumulative = 0;
            for (int i = 0; i < _leLabels.Length; i++)
            {
                cumulative += child.BucketCount(i);
                writer.WriteText(Name);
                writer.WriteRaw("_bucket{"u8);
                if (child.Labels.Length > 0)
                {
                    writer.WriteRaw(child.Labels);
                    writer.WriteByte((byte)',');
                }

                writer.WriteRaw(_leLabels[i]);
                writer.WriteRaw("} "u8);
                writer.WriteLong(cumulative);
                writer.WriteByte((byte)'\n');
            }

            // _count is the +Inf bucket read above, so the two always agree within a scrape.
            writer.WriteSample(Name, "_sum", child.Labels, child.Sum);
            writer.WriteSample(Name, "_count", child.Labels, cumulative);
        }
    }

    /// <summary>One labelled series of a histogram. Cache it: <see cref="Observe"/> takes no lock and allocates nothing.</summary>
    public sealed class Child
    {
        private readonly double[] _upperBounds;
        private readonly long[] _buckets; // per bucket, not cumulative; the last is +Inf
        private long _sumBits;

        internal Child(double[] upperBounds, byte[] labels)
        {
            _upperBounds = upperBounds;
            _buckets = new long[upperBounds.Length + 1];
            Labels = labels;
        }

        internal byte[] Labels { get; }

        /// <summary>Number of observations (the sum of all buckets).</summary>
        public long Count
        {
            get
            {
                long total = 0;
                for (int i = 0; i < _buckets.Length; i++)
                {
                    total += Volatile.Read(ref _buckets[i]);
                }

                return total;
            }
        }

        public double Sum => AtomicDouble.Read(ref _sumBits);

        /// <summary>
        /// Records one observation in the first bucket whose upper bound is ≥ <paramref name="v"/>
        /// (NaN falls in the +Inf bucket and makes the sum NaN, as in the Go client).
        /// </summary>
        public void Observe(double v)
        {
            Interlocked.Increment(ref _buckets[BucketIndex(_upperBounds, v)]);
            AtomicDouble.Add(ref _sumBits, v);
        }

        internal long BucketCount(int index) => Volatile.Read(ref _buckets[index]);

        /// <summary>Index of the first bound ≥ v, or bounds.Length (+Inf) when none is.</summary>
        internal static int BucketIndex(double[] bounds, double v)
        {
            int lo = 0;
            int hi = bounds.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (bounds[mid] >= v)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            // NaN compares false everywhere, so lo ends at bounds.Length: the +Inf bucket.
            return lo;
        }
    }
}
