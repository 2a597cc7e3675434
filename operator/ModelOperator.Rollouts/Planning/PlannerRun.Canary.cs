using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Rollouts.Planning;

/// <summary>The canary's steps, its analysis runs, and the bake after promotion.</summary>
internal sealed partial class PlannerRun
{
    private void HandleBake()
    {
        if (_bakeUntil is not { } until)
        {
            return;
        }

        var previous = PreviousRevision();
        if (previous is null || _desired.Name != _stable!.Name)
        {
            _bakeUntil = null; // nothing to fall back to, or a new spec: the new canary is guarded instead
            return;
        }

        var run = RunAnalysis(_stable.Name!, DesiredTotal(), baking: true);
        if (run?.Outcome == AnalysisOutcome.RollBack)
        {
            var failed = _stable;
            Quarantine(failed, Reasons.BakeFailed);
            _webhooks.Happened(WebhookPoints.OnRollback, failed.Name!, Reasons.BakeFailed);
            _stable = Ref(previous);
            _bakeUntil = null;
            _progress = FreshProgress();
            AddHistory(_stable);
            Decide(DecisionActions.Rollback, Reasons.BakeFailed,
                $"{failed.Name} failed while baking and was rolled back to {previous.Name}, which stayed warm: {run.Message}", run.Verdict.Deciding);
            Emit(PlannedEvent.Warning, Reasons.BakeFailed, _decision!.Message!);
            return;
        }

        if (run?.Outcome == AnalysisOutcome.Tolerated)
        {
            Decide(DecisionActions.Pause, run.Reason, $"while baking {_stable.Name}: {run.Message}", run.Verdict.Deciding);
            Emit(PlannedEvent.Warning, run.Reason, _decision!.Message!);
        }

        if (_now >= until)
        {
            _bakeUntil = null;
            if (BakeInconclusive.Applies(_config.HasAnalysis, _progress))
            {
                _progress = FreshProgress();
                Decide(DecisionActions.Proceed, Reasons.BakeInconclusive, BakeInconclusive.Message(_stable.Name!, previous.Name!, _config.BakeTime, _config.Criteria.MinSamples));
                Emit(PlannedEvent.Warning, Reasons.BakeInconclusive, _decision!.Message!);
                return;
            }

            _progress = FreshProgress();
            Decide(DecisionActions.Proceed, Reasons.Healthy,
                $"{_stable.Name} baked for {GoDuration.Format(_config.BakeTime)} without a failure; {previous.Name} is scaled down");
            Emit(PlannedEvent.Normal, Reasons.Healthy, _decision!.Message!);
            return;
        }

        RequeueWithin(until - _now);
    }

    private void AdvanceCanary()
    {
        var steps = _config.Steps;
        if (_stepsHash != _config.StepsHash || _stepIndex is null || _stepIndex > steps.Count)
        {
            _stepIndex = 0;
            _stepsHash = _config.StepsHash;
            _pauseStart = null;
            _progress = FreshProgress() with { StepStartTime = _now };
            Emit(PlannedEvent.Normal, Reasons.Progressing, $"spec.rollout.steps changed: canary {_canary!.Name} starts its steps over");
        }

        _progress = _progress with { StepStartTime = _progress.StepStartTime ?? _now };

        // Health and analysis first: a failing canary is rolled back whatever step it is at.
        var canaryReplicas = CanaryReplicasAt(_stepIndex.Value);
        var run = RunAnalysis(_canary!.Name!, canaryReplicas, CurrentShadow());
        if (run?.Outcome == AnalysisOutcome.RollBack)
        {
            Rollback(run.Reason, run.Message, run.Verdict.Deciding);
            return;
        }

        if (run?.Outcome == AnalysisOutcome.Tolerated)
        {
            Decide(DecisionActions.Pause, run.Reason, run.Message, run.Verdict.Deciding);
            Emit(PlannedEvent.Warning, run.Reason, run.Message);
        }

        if (_skipStep)
        {
            SkipCurrentStep();
        }

        // After promote-step finished the last step nothing is left to hold: the canary is promoted below.
        if (_stepIndex < steps.Count && HandleManualPause())
        {
            return;
        }

        while (_stepIndex < steps.Count)
        {
            var index = _stepIndex.Value;
            var step = steps[index];
            if (!StepComplete(index, step, run))
            {
                CheckDeadline(index, step, run);
                return;
            }

            if (!PassGate(index + 1 < steps.Count ? WebhookPoints.BeforeStep : WebhookPoints.BeforePromotion, index + 1 < steps.Count ? index + 1 : null))
            {
                return; // step index stays complete until the webhooks of the next point pass (or a check rolled back)
            }

            var analysed = step.Analysis is not null || step.Shadow is not null;
            Decide(DecisionActions.Proceed, analysed ? Reasons.AnalysisPassed : Reasons.StepComplete,
                $"step {index + 1} of {steps.Count} ({RolloutConfig.Describe(step)}) complete", analysed ? LastPassEvidence(run) : null);
            Emit(PlannedEvent.Normal, Reasons.StepComplete, _decision!.Message!);
            _stepIndex = index + 1;
            _pauseStart = null;
            _progress = _progress with { StepStartTime = _now, PauseStepAcknowledged = false };
        }

        Promote(Reasons.Promoted, $"after {steps.Count} step{(steps.Count == 1 ? string.Empty : "s")}");
    }

    /// <summary>Applies spec.paused; true while paused (nothing advances).</summary>
    private bool HandleManualPause()
    {
        var atIndefinitePause = _config.Steps[_stepIndex!.Value] is { Pause: { Duration: null } };
        if (_config.Paused)
        {
            if (_progress.ManualPauseStartTime is null)
            {
                _progress = _progress with { ManualPauseStartTime = _now };
                _pauseStart ??= _now;
                Decide(DecisionActions.Pause, Reasons.Paused, $"rollout of {_canary!.Name} paused by spec.paused at step {_stepIndex + 1}");
                Emit(PlannedEvent.Normal, Reasons.Paused, _decision!.Message!);
            }

            if (atIndefinitePause)
            {
                _progress = _progress with { PauseStepAcknowledged = true };
            }

            Wait("paused by spec.paused", Reasons.Paused, pause: true);
            return true;
        }

        if (_progress.ManualPauseStartTime is { } since)
        {
            // The time spent paused does not count toward the step's deadline or a timed pause.
            var stepStart = (_progress.StepStartTime ?? since) + (_now - since);
            _progress = _progress with { ManualPauseStartTime = null, StepStartTime = stepStart };
            if (_config.Steps[_stepIndex.Value].Pause is null)
            {
                _pauseStart = null;
            }

            Decide(DecisionActions.Resume, Reasons.Progressing, $"rollout of {_canary!.Name} resumed at step {_stepIndex + 1} (spec.paused is false)");
            Emit(PlannedEvent.Normal, Reasons.Progressing, _decision!.Message!);
        }

        return false;
    }

    private bool StepComplete(int index, RolloutStep step, AnalysisDecision? run)
    {
        var stepStart = _progress.StepStartTime ?? _now;
        if (step.SetWeight is { } weight)
        {
            var split = PlannedSplit(weight);
            var canary = _snapshot.Find(_canary!.Name);
            var replicas = canary?.Replicas ?? 0;
            var ready = canary?.Ready ?? 0;
            // At least the planned size (an autoscaled total may have shrunk since the Deployment was sized), all ready.
            if (replicas >= split.Canary && ready >= split.Canary && (canary?.Observed ?? true))
            {
                return true;
            }

            Wait($"canary at weight {weight}: {ready} of {split.Canary} pods ready", Reasons.Progressing, pause: false);
            RequeueWithin(_settings.PollInterval);
            return false;
        }

        if (step.Pause is { } pause)
        {
            if (_pauseStart is null)
            {
                _pauseStart = _now;
                Decide(DecisionActions.Pause, Reasons.Paused, pause.Duration is null
                    ? $"paused at step {index + 1} until the promote action, or spec.paused set to true and back to false"
                    : $"paused at step {index + 1} for {pause.Duration}");
                Emit(PlannedEvent.Normal, Reasons.Paused, _decision!.Message!);
            }

            if (pause.Duration is null)
            {
                if (_progress.PauseStepAcknowledged)
                {
                    return true;
                }

                Wait($"paused at step {index + 1} until promoted or resumed", Reasons.Paused, pause: true);
                return false;
            }

            var end = stepStart + GoDuration.Parse(pause.Duration);
            if (_now >= end)
            {
                return true;
            }

            Wait($"pause {pause.Duration} ends at {end:yyyy-MM-ddTHH:mm:ssZ}", Reasons.Paused, pause: false);
            RequeueWithin(end - _now);
            return false;
        }

        if (step.Shadow is { } shadow)
        {
            return ShadowStepComplete(index, shadow, run);
        }

        // Analysis: a Successful run whose whole window lies in this step.
        if (!_config.HasAnalysis)
        {
            var health = AnalysisEvaluator.EvaluateHealth(CanaryHealth(), PlannedSplit(_config.WeightAt(index)).Canary, _config.Criteria.MaxRestarts);
            if (health.All(v => v.Verdict == Verdict.Successful))
            {
                return true;
            }

            Wait(health.First(v => v.Verdict != Verdict.Successful).Message, Reasons.NotReady, pause: false);
            RequeueWithin(_settings.PollInterval);
            return false;
        }

        if (_progress.LastPassedAnalysisTime is { } passed && passed >= stepStart + _config.Criteria.Interval)
        {
            return true;
        }

        var inconclusive = run?.Outcome == AnalysisOutcome.Waiting || (run is null && _progress.LastAnalysisInconclusive);
        var waitingFor = run is { Outcome: not AnalysisOutcome.Passed } ? run.Message
            : _progress.LastAnalysisInconclusive && _decision?.Reason == Reasons.AnalysisInconclusive ? _decision.Message!
            : "waiting for an analysis run over a full interval at this step";
        if (run?.Outcome == AnalysisOutcome.Waiting)
        {
            // Every inconclusive run is a decision a user wants to see; the recorder folds repeats into one Event's count.
            Decide(DecisionActions.Pause, Reasons.AnalysisInconclusive, run.Message, run.Verdict.Deciding);
            Emit(PlannedEvent.Normal, Reasons.AnalysisInconclusive, run.Message);
        }

        Wait(waitingFor, inconclusive ? Reasons.AnalysisInconclusive : Reasons.Progressing, pause: inconclusive);
        return false;
    }

    private void CheckDeadline(int index, RolloutStep step, AnalysisDecision? run)
    {
        if (step.Pause is not null)
        {
            return; // pauses are bounded by their duration or by a person
        }

        var deadline = (_progress.StepStartTime ?? _now) + _config.ProgressDeadline + ShadowDuration(step);
        if (_now >= deadline)
        {
            Rollback(Reasons.ProgressDeadlineExceeded,
                $"step {index + 1} ({RolloutConfig.Describe(step)}) did not complete within the progress deadline {GoDuration.Format(_config.ProgressDeadline)}: {_waitingFor}",
                run?.Verdict.Deciding);
            return;
        }

        RequeueWithin(deadline - _now);
    }

    /// <summary>
    /// Health of <paramref name="revision"/> (every plan) and, when one is due, a counted analysis run of its metrics.
    /// Null when nothing was judged (no health failure, no run due).
    /// </summary>
    /// <param name="shadow">The shadow step running, or null: its runs are judged on the copies (<see cref="RolloutConfig.ShadowCriteria"/>)
    /// and count only measurements taken as shadow ones, and the other steps' only the others.</param>
    /// <param name="baking">The promoted revision during its bake: judged by <see cref="RolloutConfig.BakeCriteria"/>.</param>
    private AnalysisDecision? RunAnalysis(string revision, int desiredReplicas, ShadowStep? shadow = null, bool baking = false)
    {
        var health = _snapshot.Find(revision)?.Health ?? PodHealth.None;
        var healthVerdicts = AnalysisEvaluator.EvaluateHealth(health, desiredReplicas, _config.Criteria.MaxRestarts);
        if (healthVerdicts.Any(v => v.Immediate))
        {
            return FailureLimitPolicy.Decide(AnalysisEvaluator.Combine(healthVerdicts), Tally(), _config.Criteria.FailureLimit);
        }

        if (!_config.HasAnalysis)
        {
            return null;
        }

        var interval = _config.Criteria.Interval;
        RequeueWithin(AnalysisDueAt() is { } due && due > _now ? due - _now : interval);
        if (_analysis is null || _analysis.Revision != revision || _analysis.MeasuredAt > _now || _analysis.Shadow != shadow is not null
            || (_progress.LastAnalysisTime is { } last && _analysis.MeasuredAt < last + interval))
        {
            return null;
        }

        var criteria = shadow is not null ? _config.ShadowCriteria : baking ? _config.BakeCriteria : _config.Criteria;
        var verdict = AnalysisEvaluator.Evaluate(revision, _analysis, health, desiredReplicas, criteria);
        _shadowNumbers = shadow is null ? null : ShadowNumbers(shadow, _analysis);
        var decision = FailureLimitPolicy.Decide(verdict, Tally(), _config.Criteria.FailureLimit);
        _progress = _progress with
        {
            AnalysisFailures = decision.Tally.Failures,
            AnalysisErrors = decision.Tally.Errors,
            LastAnalysisTime = _analysis.MeasuredAt,
            LastPassedAnalysisTime = decision.Outcome == AnalysisOutcome.Passed ? _analysis.MeasuredAt : _progress.LastPassedAnalysisTime,
            LastAnalysisInconclusive = decision.Outcome == AnalysisOutcome.Waiting,
        };
        return decision;
    }

    private DateTimeOffset? AnalysisDueAt() =>
        _progress.LastAnalysisTime is { } last ? last + _config.Criteria.Interval : _now;

    private FailureTally Tally() => new(_progress.AnalysisFailures, _progress.AnalysisErrors);

    private PodHealth CanaryHealth() => _snapshot.Find(_canary?.Name)?.Health ?? PodHealth.None;

    /// <summary>The evidence of a pass: the first measured metric (with samples) rather than pod readiness.</summary>
    private static MetricVerdict? LastPassEvidence(AnalysisDecision? run) =>
        run?.Outcome == AnalysisOutcome.Passed ? run.Verdict.Metrics.FirstOrDefault(m => m.Samples is not null) ?? run.Verdict.Deciding : null;

    private void Wait(string what, string reason, bool pause)
    {
        _waitingFor = what;
        _waitingReason = reason;
        _waitingIsPause = pause;
    }
}
