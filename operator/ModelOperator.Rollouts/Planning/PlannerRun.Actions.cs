using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.Rollouts.Planning;

/// <summary>Manual one-shot actions from the <c>modeloperator.io/action</c> annotation.</summary>
internal sealed partial class PlannerRun
{
    private void HandleAction()
    {
        var annotations = _md.Metadata.Annotations;
        if (annotations is null || !annotations.TryGetValue(Annotations.Action, out var raw))
        {
            return;
        }

        _annotations[Annotations.Action] = null;
        if (annotations.ContainsKey(Annotations.UndoRevision))
        {
            _annotations[Annotations.UndoRevision] = null;
        }

        var action = raw.Trim();
        switch (action)
        {
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
                annotations.TryGetValue(Annotations.UndoRevision, out var revision);
                ManualUndo(revision);
                break;
            default:
                Reject($"unknown action '{raw}' in {Annotations.Action}; allowed: {string.Join(", ", ManualActions.All)}");
                break;
        }
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

    private void ManualUndo(string? revisionText)
    {
        RevisionHistoryEntry? target;
        if (string.IsNullOrWhiteSpace(revisionText))
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
            var available = string.Join(", ", _history.Select(h => h.Revision?.ToString(CultureInfo.InvariantCulture)));
            if (!long.TryParse(revisionText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                Reject($"undo: {Annotations.UndoRevision} '{revisionText}' is not a revision number; available: {available}");
                return;
            }

            target = _history.LastOrDefault(h => h.Revision == number);
            if (target is null)
            {
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
