using ModelOperator.Statistics;

namespace ModelOperator.Runtime.Drift;

/// <summary>Settings of a <see cref="DriftMonitor"/>; validated when the monitor is created.</summary>
public sealed record DriftMonitorOptions
{
    /// <summary>Width of one time bucket; the window slides by this step.</summary>
    public TimeSpan BucketWidth { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Length of the sliding window; a whole multiple of <see cref="BucketWidth"/>.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A series drifts when its PSI reaches this value (0.25 is the usual "major shift"). Null turns PSI off as a trigger.</summary>
    public double? PsiThreshold { get; init; } = 0.25;

    /// <summary>A series drifts when its Jensen-Shannon distance reaches this value. Null (the default) turns it off as a trigger.</summary>
    public double? JensenShannonThreshold { get; init; }

    /// <summary>Fewer binned values than this in the window make a series' verdict inconclusive.</summary>
    public long MinSamples { get; init; } = 100;

    /// <summary>PSI smoothing of empty bins (see <see cref="DriftStatistics"/>).</summary>
    public double Epsilon { get; init; } = DriftStatistics.DefaultEpsilon;

    internal int BucketCount()
    {
        if (BucketWidth < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(BucketWidth), BucketWidth, "BucketWidth must be at least 1 ms.");
        }

        if (Window < BucketWidth || Window.Ticks % BucketWidth.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, $"Window must be a whole multiple (≥ 1) of BucketWidth ({BucketWidth}).");
        }

        long count = Window.Ticks / BucketWidth.Ticks;
        if (count > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, $"Window / BucketWidth is {count} buckets; at most 10000 are allowed.");
        }

        if (PsiThreshold is { } psi && !(psi > 0 && double.IsFinite(psi)))
        {
            throw new ArgumentOutOfRangeException(nameof(PsiThreshold), psi, "PsiThreshold must be a finite number > 0, or null to turn it off.");
        }

        if (JensenShannonThreshold is { } js && !(js > 0 && js <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(JensenShannonThreshold), js, "JensenShannonThreshold must be in (0, 1], or null to turn it off.");
        }

        if (PsiThreshold is null && JensenShannonThreshold is null)
        {
            throw new ArgumentException("Set PsiThreshold or JensenShannonThreshold (or both); with neither, drift could never be detected.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinSamples, 1, nameof(MinSamples));
        if (!(Epsilon >= 0) || !double.IsFinite(Epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "Epsilon must be a finite number ≥ 0.");
        }

        return (int)count;
    }
}
