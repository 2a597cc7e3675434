namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// What the operator's metric provider measured for one revision at one time: the planner's analysis input.
/// A metric left null was not measured (the evaluator treats a threshold without a measurement as no data).
/// </summary>
public sealed record AnalysisResult
{
    /// <summary>The revision name the measurements belong to (the canary, or the promoted revision while baking).</summary>
    public required string Revision { get; init; }

    /// <summary>When the measurements were taken (the end of their windows).</summary>
    public required DateTimeOffset MeasuredAt { get; init; }

    /// <summary>Failed requests / all requests in the window.</summary>
    public Measurement? ErrorRate { get; init; }

    /// <summary>99th percentile latency in seconds.</summary>
    public Measurement? P99Latency { get; init; }

    /// <summary>PSI of the revision's predictions against the stable revision's.</summary>
    public Measurement? PredictionDrift { get; init; }

    /// <summary>PSI of the revision's live features against the reference profile, worst feature.</summary>
    public Measurement? FeatureDrift { get; init; }

    /// <summary>The user metrics (<c>spec.rollout.analysis.metrics</c>) by name; a name absent was not measured.</summary>
    public IReadOnlyDictionary<string, Measurement>? Metrics { get; init; }

    /// <summary>Share of unseen category values against the revision's own reference profile, worst feature.</summary>
    public Measurement? UnseenCategoryShare { get; init; }

    /// <summary>Share of NaN or infinite values, worst feature.</summary>
    public Measurement? NonFiniteShare { get; init; }

    /// <summary>Share of values outside the revision's reference range, worst feature.</summary>
    public Measurement? OutOfRangeShare { get; init; }

    /// <summary>
    /// Measured for a shadow step (<see cref="Planning.PendingAnalysis.Shadow"/>): <see cref="ErrorRate"/> and
    /// <see cref="P99Latency"/> are the revision's on the copies, as the mirroring (stable) servers saw them.
    /// </summary>
    public bool Shadow { get; init; }

    /// <summary>Shadow only: 1 − agreements / compared copies in the window; samples are the compared copies.</summary>
    public Measurement? ShadowDisagreement { get; init; }
}
