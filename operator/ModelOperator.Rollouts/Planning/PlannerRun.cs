using ModelOperator.Api;
using ModelOperator.Api.Validation;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Revisions;
using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// One run of <see cref="RolloutPlanner.Plan"/>: the working copy of the progress, changed by the ordered steps and
/// turned into a <see cref="RolloutPlan"/> at the end. Used once; nothing outlives the call.
/// </summary>
internal sealed partial class PlannerRun
{
    private readonly ModelDeployment _md;
    private readonly ClusterSnapshot _snapshot;
    private readonly AnalysisResult? _analysis;
    private readonly DateTimeOffset _now;
    private readonly OperatorSettings _settings;
    private readonly string _name;
    private readonly ModelDeploymentStatus _old;
    private readonly RolloutProgress _oldProgress;

    private readonly List<PlannedEvent> _events = [];
    private readonly Dictionary<string, string?> _annotations = new(StringComparer.Ordinal);
    private readonly List<RevisionHistoryEntry> _history;
    private readonly List<QuarantinedRevision> _quarantine;

    private RolloutConfig _config = null!;
    private RevisionSpec _desired = null!;

    private RevisionRef? _stable;
    private RevisionRef? _canary;
    private int? _stepIndex;
    private string? _stepsHash;
    private DateTimeOffset? _pauseStart;
    private DateTimeOffset? _canaryStart;
    private DateTimeOffset? _bakeUntil;
    private RolloutDecision? _decision;
    private RolloutProgress _progress;

    /// <summary>What the canary step waits for, for conditions and deadline messages; null when it is not waiting.</summary>
    private string? _waitingFor;

    /// <summary>The wait is a pause (spec.paused, a pause step without duration, an inconclusive analysis step): phase Paused.</summary>
    private bool _waitingIsPause;

    /// <summary>The reason word of the wait for the Progressing condition.</summary>
    private string _waitingReason = Reasons.Progressing;

    private TimeSpan? _requeue;

    public PlannerRun(ModelDeployment md, ClusterSnapshot snapshot, AnalysisResult? analysis, DateTimeOffset now, OperatorSettings settings, IReadOnlyList<WebhookResult>? webhookResults = null)
    {
        _webhookResults = webhookResults;
        _md = md;
        _snapshot = WithResolvedSpecs(snapshot, settings.DefaultImage);
        _analysis = analysis;
        _now = now;
        _settings = settings;
        _name = md.Metadata.Name!;
        _old = md.Status ?? new ModelDeploymentStatus();
        _oldProgress = RolloutProgress.Read(md.Status?.Progress);
        _progress = _oldProgress;
        _stable = _old.StableRevision;
        _canary = _old.CanaryRevision;
        _stepIndex = _old.CurrentStepIndex;
        _stepsHash = _old.StepsHash;
        _pauseStart = _old.PauseStartTime;
        _canaryStart = _old.CanaryStartTime;
        _bakeUntil = _old.BakeUntil;
        _decision = _old.LastDecision;
        _history = [.. _old.RevisionHistory ?? []];
        _quarantine = [.. _old.QuarantinedRevisions ?? []];
    }

    /// <summary>The snapshot with every recorded revision spec resolved like the spec's own (a Deployment recorded
    /// without an image runs the default one).</summary>
    private static ClusterSnapshot WithResolvedSpecs(ClusterSnapshot snapshot, string defaultImage) => snapshot with
    {
        Revisions = snapshot.Revisions
            .Select(r => r.Spec is { } recorded ? r with { Spec = RevisionSpec.Resolve(recorded.Name, recorded.Model, recorded.Runtime, defaultImage) } : r)
            .ToList(),
    };

    public RolloutPlan Run()
    {
        // A bad action annotation is rejected once by HandleAction (and removed) rather than freezing the whole spec.
        var problems = ModelDeploymentValidator.Validate(_md)
            .Where(p => p.Path != $"metadata.annotations[{Annotations.Action}]" && p.Path != $"metadata.annotations[{Annotations.UndoRevision}]")
            .ToList();
        if (problems.Count == 0)
        {
            try
            {
                _config = RolloutConfig.From(_md.Spec!, _settings);
            }
            catch (FormatException error)
            {
                problems = [new FieldProblem("spec", error.Message)];
            }
        }

        if (problems.Count > 0)
        {
            return Invalid(problems, Reasons.InvalidSpec);
        }

        if (WebhookUrlProblems() is { Count: > 0 } refusedUrls)
        {
            return Invalid(refusedUrls, Reasons.InvalidSpec);
        }

        var refusals = TenantPolicy.Check(_md.Spec!, _settings);
        if (refusals.Count > 0)
        {
            return Invalid([.. refusals.Select(r => r.Problem)], refusals[0].Reason);
        }

        var spec = _md.Spec!;
        _desired = RevisionSpec.Resolve(RevisionNaming.RevisionName(_name, spec.Model!, spec.Runtime, _settings.DefaultImage), spec.Model!, spec.Runtime, _settings.DefaultImage);

        _webhooks = new WebhookLedger(_old.Webhooks, spec.Rollout?.Webhooks, _webhookResults, _now);
        if (_stable?.Name is null)
        {
            FirstDeployment();
        }

        HandleAction();
        HandleBake();
        ChooseRevisions();
        if (_canary is not null)
        {
            AdvanceCanary();
        }

        return Build();
    }

    // ---- revisions -------------------------------------------------------------------------------------------

    private void FirstDeployment()
    {
        _stable = Ref(_desired);
        _canary = null;
        AddHistory(_stable);
        Decide(DecisionActions.Promote, Reasons.Promoted, $"first revision {_desired.Name} (model version {_desired.ModelVersion}) deployed as stable without steps");
        Emit(PlannedEvent.Normal, Reasons.Promoted, _decision!.Message!);
    }

    private void ChooseRevisions()
    {
        var desired = _desired.Name;
        if (desired == _stable!.Name)
        {
            if (_canary is not null)
            {
                var dropped = _canary.Name;
                EndCanary();
                Decide(DecisionActions.Rollback, Reasons.Undo,
                    $"spec.model and spec.runtime equal the stable revision {desired} again: canary {dropped} removed without steps");
                Emit(PlannedEvent.Normal, Reasons.Undo, _decision!.Message!);
            }

            return;
        }

        if (IsQuarantined(desired))
        {
            if (_canary is not null)
            {
                var dropped = _canary.Name;
                EndCanary();
                Decide(DecisionActions.Rollback, Reasons.Quarantined,
                    $"canary {dropped} removed: the spec now asks for {desired}, which is quarantined (retry with the modeloperator.io/action=retry annotation)");
                Emit(PlannedEvent.Warning, Reasons.Quarantined, _decision!.Message!);
            }

            return;
        }

        if (_canary?.Name == desired)
        {
            return;
        }

        if (!PassStartGates())
        {
            return;
        }

        var replaced = _canary?.Name;
        _bakeUntil = null; // a new canary ends the guard of the last promotion
        _canary = Ref(_desired);
        _stepIndex = 0;
        _stepsHash = _config.StepsHash;
        _canaryStart = _now;
        _pauseStart = null;
        _progress = FreshProgress() with { StepStartTime = _now };
        var message = replaced is null
            ? $"canary {desired} (model version {_desired.ModelVersion}) started beside stable {_stable.Name}"
            : $"canary {desired} (model version {_desired.ModelVersion}) replaces canary {replaced}; its steps and analysis start over";
        Decide(DecisionActions.Proceed, Reasons.Progressing, message);
        Emit(PlannedEvent.Normal, Reasons.Progressing, message);
    }

    private void EndCanary()
    {
        _canary = null;
        _stepIndex = null;
        _canaryStart = null;
        _pauseStart = null;
        _progress = FreshProgress();
    }

    /// <summary>The progress with the analysis and step bookkeeping cleared; the autoscaling memory is kept.</summary>
    private RolloutProgress FreshProgress() => RolloutProgress.Empty with { ScaleMemory = _progress.ScaleMemory };

    private void Promote(string reason, string how)
    {
        var previous = _stable!;
        _stable = _canary!;
        _canary = null;
        _stepIndex = _config.Steps.Count;
        _canaryStart = null;
        _pauseStart = null;
        _progress = FreshProgress();
        AddHistory(_stable);
        _webhooks.Happened(WebhookPoints.AfterPromotion, _stable.Name!, null);
        _bakeUntil = _config.BakeTime > TimeSpan.Zero ? _now + _config.BakeTime : null;
        var bake = _bakeUntil is null ? string.Empty : $"; {previous.Name} stays warm until {_bakeUntil:yyyy-MM-ddTHH:mm:ssZ} (bake time {GoDuration.Format(_config.BakeTime)})";
        Decide(DecisionActions.Promote, reason, $"{_stable.Name} (model version {_stable.ModelVersion}) promoted to stable {how}{bake}");
        Emit(PlannedEvent.Normal, reason, _decision!.Message!);
    }

    private void Rollback(string reason, string message, MetricVerdict? evidence)
    {
        var failed = _canary!;
        Quarantine(failed, reason);
        EndCanary();
        _webhooks.Happened(WebhookPoints.OnRollback, failed.Name!, reason);
        Decide(DecisionActions.Rollback, reason, $"canary {failed.Name} rolled back and quarantined: {message}", evidence);
        Emit(PlannedEvent.Warning, reason, _decision!.Message!);
    }

    private void Quarantine(RevisionRef revision, string reason)
    {
        _quarantine.RemoveAll(q => q.Name == revision.Name);
        _quarantine.Add(new QuarantinedRevision { Name = revision.Name, ModelVersion = revision.ModelVersion, Reason = reason, Time = _now });
        if (_quarantine.Count > ModelDeploymentDefaults.QuarantineLimit)
        {
            _quarantine.RemoveRange(0, _quarantine.Count - ModelDeploymentDefaults.QuarantineLimit);
        }
    }

    private bool IsQuarantined(string revision) => _quarantine.Exists(q => q.Name == revision);

    private void AddHistory(RevisionRef revision)
    {
        var next = _history.Count == 0 ? 1 : _history.Max(h => h.Revision ?? 0) + 1;
        _history.Add(new RevisionHistoryEntry { Name = revision.Name, ModelVersion = revision.ModelVersion, Revision = next, PromotedAt = _now });
        if (_history.Count > ModelDeploymentDefaults.RevisionHistoryLimit)
        {
            _history.RemoveRange(0, _history.Count - ModelDeploymentDefaults.RevisionHistoryLimit);
        }
    }

    /// <summary>The revision promoted before the current stable one (the bake's fallback), or null.</summary>
    private RevisionHistoryEntry? PreviousRevision()
    {
        for (var i = _history.Count - 1; i >= 0; i--)
        {
            if (_history[i].Name != _stable?.Name)
            {
                return _history[i];
            }
        }

        return null;
    }

    private static RevisionRef Ref(RevisionSpec spec) => new() { Name = spec.Name, ModelVersion = spec.ModelVersion };

    private static RevisionRef Ref(RevisionHistoryEntry entry) => new() { Name = entry.Name, ModelVersion = entry.ModelVersion };

    // ---- decisions and events -------------------------------------------------------------------------------

    private void Decide(string action, string reason, string message, MetricVerdict? evidence = null) =>
        _decision = new RolloutDecision
        {
            Action = action,
            Reason = reason,
            Message = message,
            Time = _now,
            Metric = evidence?.Metric,
            ObservedValue = evidence?.Value is { } value && double.IsFinite(value) ? value : null,
            Threshold = evidence?.Threshold,
            Window = evidence?.Window is { } window ? GoDuration.Format(window) : null,
            Samples = evidence?.Samples,
            Causes = DecisionCauses.From(evidence?.Causes),
            Shadow = _shadowNumbers,
        };

    private void Emit(string type, string reason, string message) => _events.Add(new PlannedEvent(type, reason, message));

    private void RequeueWithin(TimeSpan delay)
    {
        var positive = delay < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay;
        _requeue = _requeue is { } current && current < positive ? current : positive;
    }
}
