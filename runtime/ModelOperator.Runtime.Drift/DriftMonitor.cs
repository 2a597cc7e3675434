using ModelOperator.Statistics;

namespace ModelOperator.Runtime.Drift;

/// <summary>
/// Streams a model's inputs and outputs into per-bin counts on a sliding window of time buckets and, off the request
/// path, compares the window with the <see cref="ReferenceProfile"/>.
/// </summary>
/// <remarks>
/// <see cref="Record"/> is the request-path call: no lock, no allocation; per value a binary search over the bin
/// edges (or the categories) and an interlocked increment. A profile with text series is recorded value by value
/// through <see cref="Begin"/>, where a text value is looked up by its UTF-8 bytes in O(1). NaN and ±Infinity are counted, not binned. Buckets are
/// <see cref="DriftMonitorOptions.BucketWidth"/> wide on <see cref="TimeProvider.GetUtcNow"/>; the window is the last
/// <c>Window ÷ BucketWidth</c> buckets including the current one, and an old bucket is cleared when the ring comes back
/// to it. <see cref="Snapshot"/> sums the window and scores each series with <see cref="DriftStatistics"/>; call it
/// periodically (for example at each metrics scrape): the drift episode's detection and clearing times have the
/// resolution of those calls.
/// </remarks>
public sealed class DriftMonitor
{
    private const int QualityCounters = 4; // NaN, Infinite, OutOfRange, Unseen
    private const int NaNIndex = 0;
    private const int InfiniteIndex = 1;
    private const int OutOfRangeIndex = 2;
    private const int UnseenIndex = 3;

    private readonly ReferenceProfile _profile;
    private readonly DriftMonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly CountRing _ring;
    private readonly long _bucketTicks;
    private readonly int _featureCount;
    private readonly int _outputCount;

    // Per series (features first, then outputs): where its bins start in a slot, and how to bin.
    private readonly int[] _offsets;
    private readonly double[][] _edgesOrCategories;
    private readonly bool[] _categorical;
    private readonly int[] _binCounts;
    private readonly SeriesProfile?[] _textSeries; // the profile of each text series, null for the others
    private readonly bool _hasText;
    private readonly double[] _min;
    private readonly double[] _max;
    private readonly int _rowsIndex;

    // Cumulative data-quality counts since start, per series (NaN, infinite, out of range, unseen),
    // for Prometheus counters; these events are rare, so the extra increment costs nothing normally.
    private readonly long[] _qualityTotals;

    private readonly object _stateGate = new();
    private DriftState _state = DriftState.None;

    // Per series (features first, then outputs): its own drift episode, so an explanation can say since when each one drifts.
    private readonly DriftState[] _seriesStates;
    private long _dropped;

    public DriftMonitor(ReferenceProfile profile, DriftMonitorOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        int buckets = options.BucketCount();
        _profile = profile;
        _options = options;
        _time = timeProvider;
        _bucketTicks = options.BucketWidth.Ticks;
        _featureCount = profile.Features.Count;
        _outputCount = profile.Outputs.Count;

        int series = _featureCount + _outputCount;
        _offsets = new int[series];
        _edgesOrCategories = new double[series][];
        _categorical = new bool[series];
        _binCounts = new int[series];
        _textSeries = new SeriesProfile?[series];
        _min = new double[series];
        _max = new double[series];
        int offset = 0;
        for (int s = 0; s < series; s++)
        {
            SeriesProfile p = SeriesAt(s);
            _offsets[s] = offset;
            _categorical[s] = p.Kind == SeriesKind.Categorical;
            _edgesOrCategories[s] = _categorical[s] ? [.. p.Categories] : [.. p.Edges];
            _binCounts[s] = p.BinCount;
            _textSeries[s] = p.IsText ? p : null;
            _hasText |= p.IsText;
            _min[s] = p.Min;
            _max[s] = p.Max;
            offset += p.BinCount + QualityCounters;
        }

        _rowsIndex = offset;
        _ring = new CountRing(buckets, offset + 1);
        _qualityTotals = new long[series * QualityCounters];
        _seriesStates = Enumerable.Repeat(DriftState.None, series).ToArray();
    }

    public ReferenceProfile Profile => _profile;

    /// <summary>
    /// Data-quality counts since start (not windowed) for series <paramref name="series"/> (features first, then
    /// outputs): NaN, infinite, outside the reference range, unseen category.
    /// </summary>
    public (long NaN, long Infinite, long OutOfRange, long UnseenCategory) QualityTotals(int series) =>
        (Interlocked.Read(ref _qualityTotals[(series * QualityCounters) + NaNIndex]),
         Interlocked.Read(ref _qualityTotals[(series * QualityCounters) + InfiniteIndex]),
         Interlocked.Read(ref _qualityTotals[(series * QualityCounters) + OutOfRangeIndex]),
         Interlocked.Read(ref _qualityTotals[(series * QualityCounters) + UnseenIndex]));

    /// <summary>
    /// Counts <paramref name="rows"/> rows: <paramref name="rowMajorFeatures"/> holds rows × features values and
    /// <paramref name="rowMajorOutputs"/> rows × outputs values (or nothing, to record the inputs only).
    /// Lock-free and allocation-free; safe to call from many threads.
    /// </summary>
    /// <exception cref="InvalidOperationException">The profile has text series, whose values are not floats; use <see cref="Begin"/>.</exception>
    public void Record(ReadOnlySpan<float> rowMajorFeatures, int rows, ReadOnlySpan<float> rowMajorOutputs)
    {
        if (_hasText)
        {
            throw new InvalidOperationException("The profile has text series; record their rows value by value with Begin, FeatureText for text and Feature for numbers.");
        }

        if (rows <= 0 || (long)rows * _featureCount != rowMajorFeatures.Length
            || (!rowMajorOutputs.IsEmpty && (long)rows * _outputCount != rowMajorOutputs.Length))
        {
            ThrowShape(rowMajorFeatures.Length, rows, rowMajorOutputs.Length);
        }

        long epoch = _time.GetUtcNow().UtcTicks / _bucketTicks;
        CountRing.Slot? slot = _ring.Enter(epoch);
        if (slot is null)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        try
        {
            long[] counts = slot.Counts;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> row = rowMajorFeatures.Slice(r * _featureCount, _featureCount);
                for (int f = 0; f < row.Length; f++)
                {
                    Count(counts, f, row[f]);
                }
            }

            if (!rowMajorOutputs.IsEmpty)
            {
                for (int r = 0; r < rows; r++)
                {
                    ReadOnlySpan<float> row = rowMajorOutputs.Slice(r * _outputCount, _outputCount);
                    for (int o = 0; o < row.Length; o++)
                    {
                        Count(counts, _featureCount + o, row[o]);
                    }
                }
            }

            Interlocked.Add(ref counts[_rowsIndex], rows);
        }
        finally
        {
            CountRing.Exit(slot);
        }
    }

    /// <summary>
    /// Starts recording <paramref name="rows"/> rows value by value, for rows that mix text and numbers: give every value
    /// of those rows to the returned recording, then dispose it (which counts the rows). Lock-free and allocation-free;
    /// text values are binned by their UTF-8 bytes with one hash lookup.
    /// </summary>
    public DriftRecording Begin(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        CountRing.Slot? slot = _ring.Enter(_time.GetUtcNow().UtcTicks / _bucketTicks);
        if (slot is null)
        {
            Interlocked.Increment(ref _dropped);
        }

        return new DriftRecording(this, slot, rows);
    }

    /// <summary>Sums the window ending now, scores every series and advances the drift episode. Off the request path.</summary>
    public DriftSnapshot Snapshot()
    {
        DateTimeOffset now = _time.GetUtcNow();
        long lastEpoch = now.UtcTicks / _bucketTicks;
        long firstEpoch = lastEpoch - _ring.SlotCount + 1;
        var totals = new long[_rowsIndex + 1];
        _ring.SumInto(firstEpoch, lastEpoch, totals);

        var features = new SeriesDrift[_featureCount];
        var outputs = new SeriesDrift[_outputCount];
        bool anyConclusive = false;
        bool anyDrifting = false;
        for (int s = 0; s < features.Length + outputs.Length; s++)
        {
            SeriesDrift drift = Score(s, totals);
            lock (_stateGate)
            {
                _seriesStates[s] = DriftState.Next(_seriesStates[s], drift.Verdict, now);
                drift = drift with { DetectedAt = _seriesStates[s].IsDrifting ? _seriesStates[s].DetectedAt : null };
            }

            anyConclusive |= drift.Verdict != DriftVerdict.Inconclusive;
            anyDrifting |= drift.Verdict == DriftVerdict.Drifting;
            if (s < _featureCount)
            {
                features[s] = drift;
            }
            else
            {
                outputs[s - _featureCount] = drift;
            }
        }

        DriftVerdict verdict = anyDrifting ? DriftVerdict.Drifting : anyConclusive ? DriftVerdict.Stable : DriftVerdict.Inconclusive;
        DriftState state;
        lock (_stateGate)
        {
            _state = DriftState.Next(_state, verdict, now);
            state = _state;
        }

        return new DriftSnapshot(
            now,
            new DateTimeOffset(Math.Max(firstEpoch, 0) * _bucketTicks, TimeSpan.Zero),
            totals[_rowsIndex],
            features,
            outputs,
            verdict,
            state,
            Interlocked.Read(ref _dropped));
    }

    private SeriesProfile SeriesAt(int s) => s < _featureCount ? _profile.Features[s] : _profile.Outputs[s - _featureCount];

    internal int FeatureCount => _featureCount;

    internal int OutputCount => _outputCount;

    internal int RowsIndex => _rowsIndex;

    internal bool IsText(int series) => _textSeries[series] is not null;

    /// <summary>Bins one text value of text series <paramref name="series"/>; a value the profile does not list is unseen.</summary>
    internal void CountText(long[] counts, int series, ReadOnlySpan<byte> utf8)
    {
        SeriesProfile text = _textSeries[series]!;
        int bin = text.BinOfText(utf8);
        if (bin == text.Values.Count)
        {
            Interlocked.Increment(ref counts[_offsets[series] + _binCounts[series] + UnseenIndex]);
            Interlocked.Increment(ref _qualityTotals[(series * QualityCounters) + UnseenIndex]);
        }

        Interlocked.Increment(ref counts[_offsets[series] + bin]);
    }

    internal void Count(long[] counts, int series, float value)
    {
        int offset = _offsets[series];
        double[] keys = _edgesOrCategories[series];
        int quality = offset + _binCounts[series];
        if (float.IsNaN(value))
        {
            Interlocked.Increment(ref counts[quality + NaNIndex]);
            Interlocked.Increment(ref _qualityTotals[(series * QualityCounters) + NaNIndex]);
            return;
        }

        if (float.IsInfinity(value))
        {
            Interlocked.Increment(ref counts[quality + InfiniteIndex]);
            Interlocked.Increment(ref _qualityTotals[(series * QualityCounters) + InfiniteIndex]);
            return;
        }

        double v = value;
        if (v < _min[series] || v > _max[series])
        {
            Interlocked.Increment(ref counts[quality + OutOfRangeIndex]);
            Interlocked.Increment(ref _qualityTotals[(series * QualityCounters) + OutOfRangeIndex]);
        }

        int bin;
        if (_categorical[series])
        {
            bin = SeriesProfile.CategoryBin(keys, v);
            if (bin == keys.Length)
            {
                Interlocked.Increment(ref counts[quality + UnseenIndex]);
                Interlocked.Increment(ref _qualityTotals[(series * QualityCounters) + UnseenIndex]);
            }
        }
        else
        {
            bin = SeriesProfile.NumericBin(keys, v);
        }

        Interlocked.Increment(ref counts[offset + bin]);
    }

    private SeriesDrift Score(int s, long[] totals)
    {
        SeriesProfile profile = SeriesAt(s);
        int bins = profile.BinCount;
        ReadOnlySpan<long> binCounts = totals.AsSpan(_offsets[s], bins);
        ReadOnlySpan<long> quality = totals.AsSpan(_offsets[s] + bins, QualityCounters);
        var observed = new double[bins];
        long samples = 0;
        for (int i = 0; i < bins; i++)
        {
            observed[i] = binCounts[i];
            samples += binCounts[i];
        }

        double psi = double.NaN;
        double js = double.NaN;
        if (samples > 0)
        {
            psi = DriftStatistics.PopulationStabilityIndex(profile.ProportionSpan, observed, _options.Epsilon);
            js = DriftStatistics.JensenShannonDistance(profile.ProportionSpan, observed);
        }

        DriftVerdict verdict = samples < _options.MinSamples
            ? DriftVerdict.Inconclusive
            : (_options.PsiThreshold is { } pt && psi >= pt) || (_options.JensenShannonThreshold is { } jt && js >= jt)
                ? DriftVerdict.Drifting
                : DriftVerdict.Stable;

        return new SeriesDrift(
            profile.Name,
            profile.Kind,
            binCounts.ToArray(),
            samples,
            psi,
            js,
            quality[NaNIndex],
            quality[InfiniteIndex],
            quality[OutOfRangeIndex],
            quality[UnseenIndex],
            verdict);
    }

    private void ThrowShape(int featureValues, int rows, int outputValues)
    {
        if (rows <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "Record needs at least one row.");
        }

        throw new ArgumentException(
            $"Record got {featureValues} feature values and {outputValues} output values for {rows} rows; the profile needs rows × {_featureCount} features = {(long)rows * _featureCount} and rows × {_outputCount} outputs = {(long)rows * _outputCount} (or no outputs).");
    }
}
