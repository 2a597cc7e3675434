namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// One pod's drift reading of one feature: its PSI against the profile, the values it rests on, and since when that pod's
/// server sees this feature drift (its own episode, <c>modelserver_drift_series_detected_timestamp_seconds</c>; null
/// while the feature does not drift there).
/// </summary>
public sealed record FeatureDriftReading(string Name, double Score, long Samples, DateTimeOffset? Since = null);

/// <summary>
/// What the stable revision's model servers report about their inputs' drift, read from their pods or from Prometheus.
/// Several readings of one feature (one per pod) are expected; <see cref="StableDriftTracker"/> pools them.
/// </summary>
public sealed record StableDriftObservation
{
    /// <summary>Every pod's per-feature readings; scores that are not finite (an empty window) are left out by the reader.</summary>
    public IReadOnlyList<FeatureDriftReading> Features { get; init; } = [];

    /// <summary>Rows in the pods' drift windows, summed.</summary>
    public double Rows { get; init; }

    /// <summary>Why nothing could be read (every pod failed, Prometheus refused); the last status is then kept.</summary>
    public string? Error { get; init; }

    public static StableDriftObservation Failed(string error) => new() { Error = error };
}
