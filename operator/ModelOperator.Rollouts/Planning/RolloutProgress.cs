using ModelOperator.Api;
using ModelOperator.Rollouts.Autoscaling;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// The planner's bookkeeping between reconciles: the current step's start, the analysis streaks and times, a manual
/// pause's start, and the autoscaling memory. It lives in <c>status.progress</c> (<see cref="RolloutProgressStatus"/>),
/// like the rest of the rollout's progress, so a restarted operator resumes exactly; this record is its working form.
/// </summary>
public sealed record RolloutProgress
{
    /// <summary>Nothing to remember: no canary step running, no analysis counted, no manual pause, no scale memory.</summary>
    public static RolloutProgress Empty { get; } = new();

    /// <summary>When the current canary step began (the progress deadline and timed pauses count from here).</summary>
    public DateTimeOffset? StepStartTime { get; init; }

    /// <summary>Failed analysis runs in a row.</summary>
    public int AnalysisFailures { get; init; }

    /// <summary>Errored analysis runs in a row.</summary>
    public int AnalysisErrors { get; init; }

    /// <summary>When the last counted analysis run was measured.</summary>
    public DateTimeOffset? LastAnalysisTime { get; init; }

    /// <summary>When the last Successful analysis run was measured.</summary>
    public DateTimeOffset? LastPassedAnalysisTime { get; init; }

    /// <summary>The last counted run was Inconclusive (an analysis step then shows as paused).</summary>
    public bool LastAnalysisInconclusive { get; init; }

    /// <summary>When <c>spec.paused</c> took effect; null when not paused by hand.</summary>
    public DateTimeOffset? ManualPauseStartTime { get; init; }

    /// <summary>A pause step without duration saw <c>spec.paused: true</c>; setting it back to false lifts the pause step.</summary>
    public bool PauseStepAcknowledged { get; init; }

    /// <summary>Autoscaling memory of the deployment's total (scale-down stabilization).</summary>
    public IReadOnlyList<RecommendationSample>? ScaleMemory { get; init; }

    /// <summary>The progress recorded in status (empty when there is none yet).</summary>
    public static RolloutProgress Read(RolloutProgressStatus? status) => status is null
        ? Empty
        : new RolloutProgress
        {
            StepStartTime = status.StepStartTime,
            AnalysisFailures = status.AnalysisFailures ?? 0,
            AnalysisErrors = status.AnalysisErrors ?? 0,
            LastAnalysisTime = status.LastAnalysisTime,
            LastPassedAnalysisTime = status.LastPassedAnalysisTime,
            LastAnalysisInconclusive = status.LastAnalysisInconclusive ?? false,
            ManualPauseStartTime = status.ManualPauseStartTime,
            PauseStepAcknowledged = status.PauseStepAcknowledged ?? false,
            ScaleMemory = status.ScaleMemory?
                .Where(m => m.Time is not null && m.Replicas is not null)
                .Select(m => new RecommendationSample(m.Time!.Value, m.Replicas!.Value))
                .ToList(),
        };

    /// <summary>The status form; null when there is nothing to remember, so an idle status stays short.</summary>
    public RolloutProgressStatus? ToStatus() => this == Empty
        ? null
        : new RolloutProgressStatus
        {
            StepStartTime = StepStartTime,
            AnalysisFailures = AnalysisFailures == 0 ? null : AnalysisFailures,
            AnalysisErrors = AnalysisErrors == 0 ? null : AnalysisErrors,
            LastAnalysisTime = LastAnalysisTime,
            LastPassedAnalysisTime = LastPassedAnalysisTime,
            LastAnalysisInconclusive = LastAnalysisInconclusive ? true : null,
            ManualPauseStartTime = ManualPauseStartTime,
            PauseStepAcknowledged = PauseStepAcknowledged ? true : null,
            ScaleMemory = ScaleMemory is { Count: > 0 } ? ScaleMemory.Select(m => new ScaleRecommendation { Time = m.Time, Replicas = m.Replicas }).ToList() : null,
        };
}
