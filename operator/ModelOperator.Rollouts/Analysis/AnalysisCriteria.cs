using ModelOperator.Api;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// The thresholds and limits the evaluator judges with, in numbers (latency in seconds). A null threshold means the
/// metric is not checked. Built from <see cref="AnalysisSpec"/> with the API defaults by <see cref="FromSpec"/>.
/// </summary>
public sealed record AnalysisCriteria
{
    public double? MaxErrorRate { get; init; }

    /// <summary>In seconds.</summary>
    public double? MaxP99Latency { get; init; }

    public double? MaxPredictionDrift { get; init; }

    public double? MaxFeatureDrift { get; init; }

    /// <summary>Data-quality limits on the canary's inputs, shares 0 to 1, worst feature.</summary>
    public double? MaxUnseenCategoryShare { get; init; }

    public double? MaxNonFiniteShare { get; init; }

    public double? MaxOutOfRangeShare { get; init; }

    /// <summary>Checked only in a shadow step (<see cref="ForShadow"/>); null otherwise.</summary>
    public double? MaxShadowDisagreement { get; init; }

    /// <summary>The largest absolute difference per output value that counts as agreement in a shadow step.</summary>
    public double ShadowTolerance { get; init; } = ModelDeploymentDefaults.ShadowTolerance;

    /// <summary>The fewest samples a measurement must hold to count, ≥ 1.</summary>
    public long MinSamples { get; init; } = ModelDeploymentDefaults.MinSamples;

    /// <summary>Failed (or errored) measurements tolerated in a row; one more rolls back.</summary>
    public int FailureLimit { get; init; } = ModelDeploymentDefaults.FailureLimit;

    /// <summary>How often a measurement is taken, and the window it covers.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The user metrics, judged after the built-in ones (<see cref="UserMetricEvaluator"/>).</summary>
    public IReadOnlyList<AnalysisMetric> Metrics { get; init; } = [];

    /// <summary>Container restarts tolerated over the revision's pods before it counts as crash looping.</summary>
    public int MaxRestarts { get; init; } = 3;

    /// <summary>The criteria of a shadow step: these plus <c>maxShadowDisagreement</c>, judged on the copies.</summary>
    public AnalysisCriteria ForShadow(AnalysisSpec? spec) => this with { MaxShadowDisagreement = spec?.MaxShadowDisagreement };

    /// <summary>
    /// The criteria of a bake: these without prediction drift. Prediction drift compares the judged revision's answers
    /// with the baseline's over the same window, and while a promoted revision bakes the warm previous revision answers
    /// no user, so the comparison has no data by construction and would leave every bake run inconclusive. Feature
    /// drift and data quality (against the revision's own profile), errors, latency and user metrics still guard it.
    /// </summary>
    public AnalysisCriteria ForBake() => this with { MaxPredictionDrift = null };

    /// <summary>Reads the analysis spec (null: no thresholds, defaults for the rest).</summary>
    /// <exception cref="FormatException">A duration field is not a duration (validation should have caught it first).</exception>
    public static AnalysisCriteria FromSpec(AnalysisSpec? spec, int maxRestarts)
    {
        var interval = spec?.Interval ?? ModelDeploymentDefaults.AnalysisInterval;
        return new AnalysisCriteria
        {
            MaxErrorRate = spec?.MaxErrorRate,
            MaxP99Latency = spec?.MaxP99Latency is { } latency
                ? GoDuration.Parse(latency).TotalSeconds
                : null,
            MaxPredictionDrift = spec?.MaxPredictionDrift,
            MaxFeatureDrift = spec?.MaxFeatureDrift,
            MaxUnseenCategoryShare = spec?.MaxUnseenCategoryShare,
            MaxNonFiniteShare = spec?.MaxNonFiniteShare,
            MaxOutOfRangeShare = spec?.MaxOutOfRangeShare,
            ShadowTolerance = spec?.ShadowTolerance ?? ModelDeploymentDefaults.ShadowTolerance,
            MinSamples = spec?.MinSamples ?? ModelDeploymentDefaults.MinSamples,
            FailureLimit = spec?.FailureLimit ?? ModelDeploymentDefaults.FailureLimit,
            Interval = GoDuration.Parse(interval),
            MaxRestarts = maxRestarts,
            Metrics = spec?.Metrics ?? [],
        };
    }
}
