namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// One value a metric provider measured over a window, or the provider's error. A provider never throws for a
/// failed query: it returns <see cref="Failure"/>, and the evaluator turns it into an <see cref="Verdict.Error"/>.
/// </summary>
/// <param name="Value">The measured value (error rate 0-1, latency in seconds, PSI); NaN when nothing could be computed.</param>
/// <param name="Samples">How many requests (or predictions) the value is based on.</param>
/// <param name="Window">The time span the value covers.</param>
/// <param name="Error">The provider's error message; when set, <paramref name="Value"/> is meaningless.</param>
public sealed record Measurement(double Value, long Samples, TimeSpan Window, string? Error = null)
{
    /// <summary>For drift and data-quality measurements: the features or outputs that moved most (at most a few, worst first).</summary>
    public IReadOnlyList<DriftCause>? Causes { get; init; }

    /// <summary>Why there is no data when it is known and is the user's to fix (a Secret the call needs is missing); the verdict is inconclusive, not an error.</summary>
    public string? Unavailable { get; init; }

    /// <summary>A value over a window.</summary>
    public static Measurement Of(double value, long samples, TimeSpan window) => new(value, samples, window);

    /// <summary>The window held no data (no requests, series absent).</summary>
    public static Measurement NoData(TimeSpan window) => new(double.NaN, 0, window);

    /// <summary>No measurement could be taken for a reason the user can fix (<paramref name="why"/>); judged inconclusive.</summary>
    public static Measurement NotTaken(string why, TimeSpan window) => new(double.NaN, 0, window) { Unavailable = why };

    /// <summary>The provider failed; <paramref name="error"/> says how.</summary>
    public static Measurement Failure(string error, TimeSpan window) => new(double.NaN, 0, window, error);
}
