namespace ModelOperator.Runtime.Drift;

/// <summary>The verdict of one series, or of the whole monitor (the worst series wins).</summary>
public enum DriftVerdict
{
    /// <summary>Too few samples in the window to judge.</summary>
    Inconclusive,

    /// <summary>Enough samples and every score under its threshold.</summary>
    Stable,

    /// <summary>Enough samples and a score at or above its threshold.</summary>
    Drifting,
}

/// <summary>
/// The drift episode seen so far: when drift was detected and, once it went away, when it cleared.
/// </summary>
/// <param name="DetectedAt">Time of the first snapshot of the current (or last) episode that found drift; null if never.</param>
/// <param name="ClearedAt">Time of the first snapshot after <paramref name="DetectedAt"/> that was stable; null while drifting.</param>
public sealed record DriftState(DateTimeOffset? DetectedAt, DateTimeOffset? ClearedAt)
{
    public static readonly DriftState None = new(null, null);

    public bool IsDrifting => DetectedAt is not null && ClearedAt is null;

    /// <summary>
    /// The next state after a snapshot at <paramref name="now"/>: drifting starts an episode (keeping the start of a running one),
    /// stable ends a running one, inconclusive (no data) changes nothing.
    /// </summary>
    public static DriftState Next(DriftState previous, DriftVerdict verdict, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return verdict switch
        {
            DriftVerdict.Drifting when !previous.IsDrifting => new DriftState(now, null),
            DriftVerdict.Stable when previous.IsDrifting => previous with { ClearedAt = now },
            _ => previous,
        };
    }
}
