namespace ModelOperator.Runtime.Drift;

/// <summary>Drift and data quality over one sliding window.</summary>
/// <param name="At">When the snapshot was taken.</param>
/// <param name="WindowStart">Start of the oldest bucket the window covers.</param>
/// <param name="Rows">Rows recorded in the window.</param>
/// <param name="Features">One entry per feature, in profile order.</param>
/// <param name="Outputs">One entry per output, in profile order.</param>
/// <param name="Verdict">Drifting if any series drifts; otherwise Stable if any series is conclusive; otherwise Inconclusive.</param>
/// <param name="State">The drift episode after this snapshot.</param>
/// <param name="DroppedRecords">Record calls dropped since start because their time had already left the ring (a clock that stepped back).</param>
public sealed record DriftSnapshot(
    DateTimeOffset At,
    DateTimeOffset WindowStart,
    long Rows,
    IReadOnlyList<SeriesDrift> Features,
    IReadOnlyList<SeriesDrift> Outputs,
    DriftVerdict Verdict,
    DriftState State,
    long DroppedRecords);

/// <summary>The window's view of one feature or output.</summary>
/// <param name="Name">Series name from the profile.</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="Counts">Observed count per bin (the same bins as the profile's proportions).</param>
/// <param name="SampleCount">Values that landed in a bin (every finite value); the scores rest on this many.</param>
/// <param name="Psi">PSI against the reference proportions; NaN when <paramref name="SampleCount"/> is 0.</param>
/// <param name="JensenShannonDistance">Jensen-Shannon distance (base 2) against the reference; NaN when <paramref name="SampleCount"/> is 0.</param>
/// <param name="NaNCount">NaN values (not binned).</param>
/// <param name="InfiniteCount">±Infinity values (not binned).</param>
/// <param name="OutOfRangeCount">Finite values below the reference min or above its max (binned).</param>
/// <param name="UnseenCategoryCount">Values of a categorical series that are not a known category (binned in the unseen bin).</param>
/// <param name="Verdict">Inconclusive under the minimum samples, else Drifting or Stable by the thresholds.</param>
public sealed record SeriesDrift(
    string Name,
    SeriesKind Kind,
    IReadOnlyList<long> Counts,
    long SampleCount,
    double Psi,
    double JensenShannonDistance,
    long NaNCount,
    long InfiniteCount,
    long OutOfRangeCount,
    long UnseenCategoryCount,
    DriftVerdict Verdict)
{
    /// <summary>When this series' current drift episode was first detected; null while it does not drift.</summary>
    public DateTimeOffset? DetectedAt { get; init; }
}
