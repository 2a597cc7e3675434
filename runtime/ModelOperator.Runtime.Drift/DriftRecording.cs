namespace ModelOperator.Runtime.Drift;

/// <summary>
/// One request's rows being recorded into a <see cref="DriftMonitor"/> value by value (from <see cref="DriftMonitor.Begin"/>):
/// numbers with <see cref="Feature"/> and <see cref="Output"/>, text with <see cref="FeatureText"/>. Disposing it counts
/// the rows and leaves the time bucket. A value type on the stack: recording allocates nothing.
/// </summary>
/// <remarks>
/// When the clock stepped back by a whole window the bucket is gone: the monitor counted the record as dropped and
/// every call here does nothing.
/// </remarks>
public ref struct DriftRecording
{
    private readonly DriftMonitor _monitor;
    private readonly CountRing.Slot? _slot;
    private readonly int _rows;

    internal DriftRecording(DriftMonitor monitor, CountRing.Slot? slot, int rows)
    {
        _monitor = monitor;
        _slot = slot;
        _rows = rows;
    }

    /// <summary>Counts a number of numeric or numeric-coded categorical feature <paramref name="feature"/>.</summary>
    public readonly void Feature(int feature, float value)
    {
        CheckIndex(feature, _monitor.FeatureCount, "feature");
        if (_monitor.IsText(feature))
        {
            throw new InvalidOperationException($"feature {feature} is a text series; give its values to FeatureText as UTF-8.");
        }

        if (_slot is not null)
        {
            _monitor.Count(_slot.Counts, feature, value);
        }
    }

    /// <summary>Counts a text value, as UTF-8, of text feature <paramref name="feature"/>; values the profile does not list are unseen.</summary>
    public readonly void FeatureText(int feature, ReadOnlySpan<byte> utf8)
    {
        CheckIndex(feature, _monitor.FeatureCount, "feature");
        if (!_monitor.IsText(feature))
        {
            throw new InvalidOperationException($"feature {feature} is not a text series; give its values to Feature as numbers.");
        }

        if (_slot is not null)
        {
            _monitor.CountText(_slot.Counts, feature, utf8);
        }
    }

    /// <summary>Counts a value of output <paramref name="output"/>.</summary>
    public readonly void Output(int output, float value)
    {
        CheckIndex(output, _monitor.OutputCount, "output");
        int series = _monitor.FeatureCount + output;
        if (_monitor.IsText(series))
        {
            throw new InvalidOperationException($"output {output} is a text series, which the monitor does not record from numbers.");
        }

        if (_slot is not null)
        {
            _monitor.Count(_slot.Counts, series, value);
        }
    }

    /// <summary>Counts the rows and leaves the time bucket.</summary>
    public readonly void Dispose()
    {
        if (_slot is not null)
        {
            Interlocked.Add(ref _slot.Counts[_monitor.RowsIndex], _rows);
            CountRing.Exit(_slot);
        }
    }

    private static void CheckIndex(int index, int count, string what)
    {
        if ((uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The profile has {count} {what}s; the index must be 0 to {count - 1}.");
        }
    }
}
