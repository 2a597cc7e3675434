using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>What to measure: the canary's pods (and the stable's, for prediction drift) over one window.</summary>
public sealed record AnalysisRequest(
    ObjectKey Deployment,
    AnalysisSpec? Spec,
    string CanaryRevision,
    string? StableRevision,
    IReadOnlyList<Pod> CanaryPods,
    IReadOnlyList<Pod> StablePods,
    TimeSpan Window,
    DateTimeOffset Now)
{
    /// <summary>A shadow step (<see cref="Rollouts.Planning.PendingAnalysis.Shadow"/>): also measure the copies the
    /// stable pods sent the canary, and return a result marked <see cref="AnalysisResult.Shadow"/>.</summary>
    public bool Shadow { get; init; }
}

/// <summary>
/// A source of canary measurements. It never throws into the reconciler (cancellation aside): a failed query becomes an
/// error measurement (<see cref="Measurement.Failure"/>) and missing data a <see cref="Measurement.NoData"/>, which the
/// evaluator turns into the Error and Inconclusive verdicts.
/// </summary>
public interface IAnalysisProvider
{
    Task<AnalysisResult> MeasureAsync(AnalysisRequest request, CancellationToken cancellationToken);
}
