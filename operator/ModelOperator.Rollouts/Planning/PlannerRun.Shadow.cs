using System.Globalization;
using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Canary;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// The shadow step: the canary runs with no user traffic (weight 0, out of the main Service) while the stable servers
/// copy a share of live requests to it; it ends after its duration once the latest analysis run, over a full interval
/// inside the step, passed on the copies.
/// </summary>
internal sealed partial class PlannerRun
{
    /// <summary>The numbers of the shadow run counted in this plan, attached to its decisions; null when none was.</summary>
    private ShadowDecision? _shadowNumbers;

    /// <summary>The shadow step the canary is at, or null.</summary>
    private ShadowStep? CurrentShadow() =>
        _canary is not null && _stepIndex is { } index && index < _config.Steps.Count ? _config.Steps[index].Shadow : null;

    /// <summary>The canary's replicas while step <paramref name="index"/> runs (<see cref="ShadowSizing"/> for a shadow step).</summary>
    private int CanaryReplicasAt(int index) =>
        index < _config.Steps.Count && _config.Steps[index].Shadow is not null
            ? ShadowSizing.CandidateReplicas(DesiredTotal(), _config.Steps, index, _config.Mode)
            : PlannedSplit(_config.WeightAt(index)).Canary;

    /// <summary>How long a shadow step lasts at least (its deadline counts from there); zero for other steps.</summary>
    private static TimeSpan ShadowDuration(RolloutStep step) =>
        step.Shadow?.Duration is { } duration ? GoDuration.Parse(duration) : TimeSpan.Zero;

    private bool ShadowStepComplete(int index, ShadowStep shadow, AnalysisDecision? run)
    {
        var stepStart = _progress.StepStartTime ?? _now;
        var end = stepStart + ShadowDuration(_config.Steps[index]);
        var interval = _config.Criteria.Interval;

        // The latest counted run passed, and its whole window lies in this step.
        var passed = _progress.LastPassedAnalysisTime is { } pass && pass >= stepStart + interval && pass == _progress.LastAnalysisTime;
        if (_now >= end && passed)
        {
            return true;
        }

        if (run?.Outcome == AnalysisOutcome.Waiting)
        {
            Decide(DecisionActions.Pause, Reasons.AnalysisInconclusive, run.Message, run.Verdict.Deciding);
            Emit(PlannedEvent.Normal, Reasons.AnalysisInconclusive, run.Message);
        }
        else if (run?.Outcome == AnalysisOutcome.Passed && _now < end)
        {
            Decide(DecisionActions.Proceed, Reasons.AnalysisPassed,
                $"shadow step {index + 1} of {_config.Steps.Count}: {Summary(_shadowNumbers)}; the step ends at {end:yyyy-MM-ddTHH:mm:ssZ}",
                LastPassEvidence(run));
            Emit(PlannedEvent.Normal, Reasons.AnalysisPassed, _decision!.Message!);
        }

        var inconclusive = run?.Outcome == AnalysisOutcome.Waiting || (run is null && _progress.LastAnalysisInconclusive);
        var waitingFor = inconclusive && run is not null ? run.Message
            : _now < end ? $"{shadow.Percent}% of stable's requests copied to the canary until {end:yyyy-MM-ddTHH:mm:ssZ}"
            : "the shadow duration is over; waiting for an analysis run over a full interval of the step to pass";
        Wait(waitingFor, inconclusive ? Reasons.AnalysisInconclusive : Reasons.Progressing, pause: inconclusive);
        if (_now < end)
        {
            RequeueWithin(end - _now);
        }

        return false;
    }

    /// <summary>
    /// What the stable servers mirror: nothing before the canary has a ready pod (its Service would refuse the copies,
    /// and each refusal counts as a failed copy against the canary), then the step's share.
    /// </summary>
    private ShadowPlan? ShadowInstruction(ShadowStep? shadow) =>
        shadow is not null && (_snapshot.Find(_canary!.Name)?.Ready ?? 0) > 0
            ? new ShadowPlan(_stable!.Name!, _canary.Name!, shadow.Percent ?? 0, _config.Criteria.ShadowTolerance)
            : null;

    /// <summary>The numbers of a shadow run for <c>lastDecision.shadow</c>.</summary>
    private static ShadowDecision ShadowNumbers(ShadowStep shadow, AnalysisResult result) => new()
    {
        Percent = shadow.Percent,
        Duration = shadow.Duration,
        ComparedCopies = result.ShadowDisagreement is { Error: null } disagreement ? disagreement.Samples : null,
        Disagreement = Finite(result.ShadowDisagreement),
        CandidateErrorRate = Finite(result.ErrorRate),
        CandidateP99Latency = Finite(result.P99Latency) is { } seconds ? GoDuration.Format(TimeSpan.FromSeconds(Math.Round(seconds, 4))) : null,
    };

    private static double? Finite(Measurement? measurement) =>
        measurement is { Error: null, Value: var value } && double.IsFinite(value) ? value : null;

    /// <summary><c>1234 copies compared, 0.4% disagree, 0% failed, p99 12ms</c>: what the stable servers saw.</summary>
    internal static string Summary(ShadowDecision? numbers)
    {
        if (numbers?.ComparedCopies is not { } compared)
        {
            return "no copies compared yet";
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{compared} copies compared");
        if (numbers.Disagreement is { } disagreement)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {disagreement:0.##%} disagree");
        }

        if (numbers.CandidateErrorRate is { } errors)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {errors:0.##%} failed");
        }

        return numbers.CandidateP99Latency is { } p99 ? $"{text}, p99 {p99}" : text;
    }
}
