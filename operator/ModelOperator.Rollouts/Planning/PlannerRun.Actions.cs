using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.Rollouts.Planning;

/// <summary>Manual one-shot actions from the <c>modeloperator.io/action</c> annotation.</summary>
internal sealed partial class PlannerRun
{
    /// <summary>The promote-step action asked to finish the current step in this run.</summary>
    private bool _skipStep;

    private void HandleAction()
    {
        var annotations = _md.Metadata.Annotations;
        var reading = ActionAnnotation.Read(annotations);
        if (!reading.Present)
        {
            return;
        }

        _annotations[Annotations.Action] = null;
        if (annotations!.ContainsKey(Annotations.UndoRevision))
        {
            _annotations[Annotations.UndoRevision] = null;
        }

        if (reading.Request is not { } request)
        {
            Reject($"{reading.Problems[0].Path}: {reading.Problems[0].Message}");
            return;
        }

        switch (request.Action)
        {
            case ManualActions.PromoteStep:
                ManualPromoteStep();
                break;
            case ManualActions.Promote:
                ManualPromote();
                break;
            case ManualActions.Abort:
                ManualAbort();
                break;
            case ManualActions.Retry:
                ManualRetry();
                break;
            case ManualActions.Undo:
                ManualUndo(request.UndoRevision);
                break;
        }
    }

    /// <summary>Marks the current step to be finished by <see cref="AdvanceCanary"/> in this same run, which knows the step.</summary>
    private void ManualPromoteStep()
    {
        if (_canary is null)
        {
            Reject($"promote-step: no canary is running (stable is {_stable!.Name})");
            return;
        }

        _skipStep = true;
    }

    /// <summary>
    /// Finishes the step the canary is at, whatever it waits for (a pause, an analysis, pods of a weight), as Argo Rollouts'
    /// promote does. Health and analysis failures were judged before this, so a failing canary is still rolled back.
    /// </summary>
    private void SkipCurrentStep()
    {
        var steps = _config.Steps;
        var index = _stepIndex!.Value;
        if (index >= steps.Count)
        {
            return; // every step is done: the canary is promoted next anyway
        }

        Decide(DecisionActions.Proceed, Reasons.ManualPromote,
            $"step {index + 1} of {steps.Count} ({RolloutConfig.Describe(steps[index])}) finished by the promote-step action");
        Emit(PlannedEvent.Normal, Reasons.ManualPromote, _decision!.Message!);
        _stepIndex = index + 1;
        _pauseStart = null;
        _progress = _progress with { StepStartTime = _now, PauseStepAcknowledged = false };
    }

    private void ManualPromote()
    {
        if (_canary is null)
        {
            Reject($"promote: no canary is running (stable is {_stable!.Name})");
            return;
        }

        Promote(Reasons.ManualPromote, "by the promote action, skipping the remaining steps");
    }

    private void ManualAbort()
    {
        if (_canary is null)
        {
            Reject($"abort: no canary is running (stable is {_stable!.Name})");
            return;
        }

        Rollback(Reasons.ManualAbort, "aborted by the abort action", evidence: null);
    }

    private void ManualRetry()
    {
        if (!IsQuarantined(_desired.Name))
        {
            Reject($"retry: the spec's revision {_desired.Name} is not quarantined; nothing to retry");
            return;
        }

        _quarantine.RemoveAll(q => q.Name == _desired.Name);
        Decide(DecisionActions.Retry, Reasons.ManualRetry, $"quarantine of {_desired.Name} lifted by the retry action; a new canary starts");
        Emit(PlannedEvent.Normal, Reasons.ManualRetry, _decision!.Message!);
    }

    private void ManualUndo(long? revision)
    {
        RevisionHistoryEntry? target;
        if (revision is not { } number)
        {
            target = PreviousRevision();
            if (target is null)
            {
                Reject("undo: there is no previous revision in status.revisionHistory");
                return;
            }
        }
        else
        {
            target = _history.LastOrDefault(h => h.Revision == number);
            if (target is null)
            {
                var available = string.Join(", ", _history.Select(h => h.Revision?.ToString(CultureInfo.InvariantCulture)));
                Reject($"undo: revision {number} is not in status.revisionHistory; available: {available}");
                return;
            }
        }

        if (target.Name == _stable!.Name)
        {
            Reject($"undo: revision {target.Revision} ({target.Name}) is already stable");
            return;
        }

        if (_snapshot.Find(target.Name) is null)
        {
            Reject($"undo: the Deployment of revision {target.Revision} ({target.Name}) no longer exists");
            return;
        }

        var from = _stable.Name;
        if (_canary is not null)
        {
            EndCanary();
        }

        if (_desired.Name != target.Name)
        {
            Quarantine(Ref(_desired), Reasons.Undo); // otherwise the spec would start it again at once
        }

        _stable = Ref(target);
        _bakeUntil = null;
        _stepIndex = null;
        AddHistory(_stable);
        Decide(DecisionActions.Undo, Reasons.Undo,
            $"undo: revision {target.Revision} ({target.Name}, model version {target.ModelVersion}) is stable again instead of {from}; {_desired.Name} stays quarantined until retry or a new spec");
        Emit(PlannedEvent.Normal, Reasons.Undo, _decision!.Message!);
    }

    private void Reject(string message)
    {
        Decide(DecisionActions.Reject, Reasons.InvalidAction, message);
        Emit(PlannedEvent.Warning, Reasons.InvalidAction, message);
    }
}
