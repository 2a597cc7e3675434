using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>
/// The stable revision's drift against its reference profile, per feature, as the operator last measured it (issue 18:
/// "since when"). Bounded: at most <see cref="MaxFeatures"/> features, the highest scores first.
/// </summary>
[Description("The stable revision's input drift against its reference profile (spec.model.profile), measured every analysis interval from its pods (or Prometheus when the analysis provider is prometheus). Written only when a rounded value changed.")]
public sealed record StableDriftStatus
{
    /// <summary>Most features listed; the rest (lower scores) are left out.</summary>
    public const int MaxFeatures = 20;

    /// <summary>Longest feature name kept; longer names are cut (the server's profile names the columns).</summary>
    public const int MaxNameLength = 128;

    [Description("The revision these values describe; a new stable revision starts over.")]
    [Required]
    public string? Revision { get; init; }

    [Description("When these values were measured. A later measurement that finds the same rounded values keeps this time, so an unchanged state writes no status.")]
    [Required]
    public DateTimeOffset? ObservedAt { get; init; }

    [Description("Rows in the stable pods' drift windows, summed over pods, to two significant digits (so steady traffic does not rewrite status).")]
    [Range(0, double.NaN)]
    public long? Samples { get; init; }

    [Description("The features with the highest scores, at most 20, highest first (ties by name).")]
    [Items(0, MaxFeatures)]
    public IReadOnlyList<FeatureDriftStatus>? Features { get; init; }
}

/// <summary>One feature's drift on the stable revision.</summary>
[Description("One feature's drift on the stable revision.")]
public sealed record FeatureDriftStatus
{
    [Description("The feature (input column) name from the reference profile.")]
    [Required]
    [Length(1, StableDriftStatus.MaxNameLength)]
    public string? Name { get; init; }

    [Description("The population stability index (PSI) of the live window against the reference profile, to 3 decimals; the worst stable pod's.")]
    [Required]
    [Range(0, double.NaN)]
    public double? Score { get; init; }

    [Description("The PSI at or above which the feature drifts: spec.rollout.analysis.maxFeatureDrift, else 0.25.")]
    [Required]
    [Range(0, double.NaN)]
    public double? Threshold { get; init; }

    [Description("Whether the score is at or above the threshold over at least spec.rollout.analysis.minSamples values; with fewer values the last verdict is kept.")]
    [Required]
    public bool? Drifting { get; init; }

    [Description("Since when this feature drifts (absent while it does not): when the model servers first saw this feature cross their threshold (the earliest over the stable pods) if that was since the last measurement, else the measurement that first found it.")]
    public DateTimeOffset? Since { get; init; }
}
