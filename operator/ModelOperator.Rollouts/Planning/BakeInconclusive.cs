using System.Globalization;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// How a bake window that saw no evidence ends. A bake guards a promoted revision with the analysis; when no run of it
/// passed (every run had fewer than minSamples samples, no data, or a tolerated failure), "baked without a failure"
/// would claim what nobody measured. The bake still ends on time (the previous revision is scaled down: keeping it warm
/// forever for a quiet service would cost its pods with no end), but with its own reason, a Warning Event and an alert.
/// </summary>
internal static class BakeInconclusive
{
    /// <summary>
    /// True when the bake ends unproven: the spec has an analysis and no run passed during the bake.
    /// <code>
    /// no analysis in the spec                    → false (health alone guards the bake, as documented)
    /// a run passed (LastPassedAnalysisTime set)  → false
    /// only Inconclusive runs, or none at all     → true
    /// tolerated failures, never a pass           → true
    /// </code>
    /// The progress is fresh at promotion, so <see cref="RolloutProgress.LastPassedAnalysisTime"/> counts only this bake's runs.
    /// </summary>
    public static bool Applies(bool hasAnalysis, RolloutProgress progress) =>
        hasAnalysis && progress.LastPassedAnalysisTime is null;

    /// <summary>The decision's and the Event's words.</summary>
    public static string Message(string stable, string previous, TimeSpan bakeTime, long minSamples) => string.Create(CultureInfo.InvariantCulture,
        $"{stable} baked for {GoDuration.Format(bakeTime)} without evidence: no analysis run passed in the bake window (each had fewer than {minSamples} samples, no data or a tolerated failure); "
        + $"{previous} is scaled down and the promotion is unproven (check that it gets traffic, or undo it)");
}
