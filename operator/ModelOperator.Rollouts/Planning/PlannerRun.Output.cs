using ModelOperator.Api;
using ModelOperator.Api.Validation;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Autoscaling;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Status;

namespace ModelOperator.Rollouts.Planning;

/// <summary>Turning the run's decisions into replicas, traffic, status, conditions and the plan.</summary>
internal sealed partial class PlannerRun
{
    private RolloutPlan Build()
    {
        var (total, memory) = Scale();
        if (memory is not null)
        {
            _progress = _progress with { ScaleMemory = memory };
        }

        var weight = _canary is null ? 0 : _config.WeightAt(_stepIndex ?? 0);
        var split = _canary is null ? new ReplicaSplit(total, 0) : CanaryMath.Split(total, weight, _config.Mode);
        var shadow = CurrentShadow();
        if (shadow is not null)
        {
            split = split with { Canary = CanaryReplicasAt(_stepIndex!.Value) };
        }

        var revisions = new List<DesiredRevision> { new(_stable!.Name!, RevisionRole.Stable, split.Stable, SpecOf(_stable.Name)) };
        if (_canary is not null)
        {
            revisions.Add(new DesiredRevision(_canary.Name!, RevisionRole.Canary, split.Canary, SpecOf(_canary.Name)));
        }

        var previous = _bakeUntil is null ? null : PreviousRevision();
        if (previous is not null)
        {
            revisions.Add(new DesiredRevision(previous.Name!, RevisionRole.Previous, total, SpecOf(previous.Name)));
        }

        var keep = _history.Select(h => h.Name).Concat(_quarantine.Select(q => q.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var existing in _snapshot.Revisions)
        {
            if (keep.Contains(existing.Name) && !revisions.Exists(r => r.Name == existing.Name))
            {
                revisions.Add(new DesiredRevision(existing.Name, RevisionRole.Retained, 0, existing.Spec));
            }
        }

        // A Gateway sends the canary's share to its Service whether or not a pod is behind it: nothing before one is ready.
        var routed = _canary is null || _config.Mode != TrafficRoutingMode.GatewayApi ? weight
            : CanaryMath.EffectiveWeight(TrafficRoutingMode.GatewayApi, weight, 0, _snapshot.Find(_canary.Name)?.Ready ?? 0);
        List<TrafficBackend> backends = [new(_stable.Name!, 100 - routed)];
        if (_canary is not null)
        {
            backends.Add(new TrafficBackend(_canary.Name!, routed));
        }
        else if (previous is not null && _config.Mode == TrafficRoutingMode.ReplicaRatio && WarmCapacityNeeded(split.Stable) is { } previousShare)
        {
            // Just promoted: the new stable had only its canary share of pods. Until all of them are ready, the warm
            // previous revision keeps serving beside it (the Service selects both), so promotion never shrinks capacity.
            backends = [new(_stable.Name!, 100 - previousShare), new(previous.Name!, previousShare)];
        }

        var traffic = new TrafficPlan { Mode = _config.Mode, HttpRoute = _config.HttpRoute, Backends = backends };
        if (_config.Mode == TrafficRoutingMode.GatewayApi && _snapshot.Route is null)
        {
            // Every look says it again (the recorder counts repeats as a series): a missing route is the user's to fix.
            Emit(PlannedEvent.Warning, Reasons.InvalidSpec, RouteOptIn.Missing(_config.HttpRoute, _md.Metadata.Namespace));
        }

        var status = BuildStatus(split, weight);

        if (_config.Autoscaling is not null)
        {
            RequeueWithin(_settings.AutoscalingInterval);
        }

        var stable = _snapshot.Find(_stable.Name);
        if ((stable?.Ready ?? 0) < split.Stable)
        {
            RequeueWithin(_settings.PollInterval);
        }

        var (calls, records) = WebhookOutput();
        return new RolloutPlan
        {
            Revisions = revisions,
            Traffic = traffic,
            Status = status with { Progress = _progress.ToStatus(), Webhooks = records },
            WebhookCalls = calls,
            Annotations = _annotations,
            Events = _events,
            RequeueAfter = _requeue,
            NextAnalysis = NextAnalysis(),
            Shadow = ShadowInstruction(shadow),
        };
    }

    /// <summary>A spec that is invalid (<see cref="Reasons.InvalidSpec"/>) or not allowed (<see cref="TenantPolicy"/>): no child changes.</summary>
    private RolloutPlan Invalid(IReadOnlyList<FieldProblem> problems, string reason)
    {
        var generation = _md.Metadata.Generation;
        var message = (reason == Reasons.InvalidSpec ? "spec is invalid: " : "spec is not allowed: ") + string.Join("; ", problems.Select(p => p.ToString()));
        var conditions = ConditionList.Set(_old.Conditions, Conditions.Degraded, ConditionList.True, reason, message, generation, _now);
        conditions = ConditionList.Set(conditions, Conditions.Progressing, ConditionList.False, reason,
            "nothing changes until a new generation of the spec is valid", generation, _now);
        var alreadyReported = _old.Phase == Phases.Invalid && _old.ObservedGeneration == generation;
        return new RolloutPlan
        {
            Status = _old with { ObservedGeneration = generation, Phase = Phases.Invalid, Conditions = conditions },
            Events = alreadyReported ? [] : [new PlannedEvent(PlannedEvent.Warning, reason, message)],
        };
    }

    // ---- replicas -------------------------------------------------------------------------------------------

    /// <summary>
    /// The total replicas wanted now and, when autoscaling, the new stabilization memory (no side effects).
    /// </summary>
    /// <remarks>
    /// Fixed replicas: <c>spec.replicas</c>. Autoscaling: each running revision's own recommendation from its load
    /// (<see cref="AutoscalingAdvisor.Recommend"/>, bounded by [0, max]: minReplicas bounds the total, so a new canary
    /// without load adds no pods of its own), summed and clamped (<see cref="CanaryMath.TotalFromHints"/>), then
    /// stabilized as one number (<see cref="AutoscalingAdvisor.Stabilize"/>) against the pods the revisions run now, so
    /// that moving pods from stable to canary is never mistaken for a scale-down.
    /// </remarks>
    private (int Total, IReadOnlyList<RecommendationSample>? Memory) Scale()
    {
        if (_config.Autoscaling is not { } target)
        {
            return (_config.FixedReplicas ?? 1, null);
        }

        var perRevision = target with { MinReplicas = 0 };
        var current = 0;
        int Hint(string? revision)
        {
            if (revision is null)
            {
                return 0;
            }

            var running = _snapshot.Find(revision)?.Replicas ?? 0;
            current += running;
            var observation = (_snapshot.Load.TryGetValue(revision, out var load) ? load : new LoadObservation()) with { CurrentReplicas = running };
            return AutoscalingAdvisor.Recommend(observation, perRevision, null, _now).Desired;
        }

        var desired = CanaryMath.TotalFromHints(Hint(_stable?.Name), Hint(_canary?.Name), target.MinReplicas, target.MaxReplicas);
        return AutoscalingAdvisor.Stabilize(desired, current, _progress.ScaleMemory, target.ScaleDownStabilization, _now);
    }

    /// <summary>The total replicas wanted now (no side effects; used while deciding).</summary>
    private int DesiredTotal() => Scale().Total;

    private ReplicaSplit PlannedSplit(int weight) => CanaryMath.Split(DesiredTotal(), weight, _config.Mode);

    private RevisionSpec? SpecOf(string? revision) =>
        revision == _desired.Name ? _desired : _snapshot.Find(revision)?.Spec;

    // ---- status ---------------------------------------------------------------------------------------------

    /// <summary>
    /// While the new stable revision has fewer ready pods than <paramref name="wanted"/>, the share of traffic the warm
    /// previous revision carries by its ready pods (1-99); null once the new stable is complete (or the previous has none).
    /// Example: new stable 2 of 4 ready, previous 4 ready → 67.
    /// </summary>
    private int? WarmCapacityNeeded(int wanted)
    {
        var ready = _snapshot.Find(_stable!.Name)?.Ready ?? 0;
        var previousReady = _snapshot.Find(PreviousRevision()?.Name)?.Ready ?? 0;
        if (ready >= wanted || previousReady == 0)
        {
            return null;
        }

        return Math.Clamp((int)Math.Round(100.0 * previousReady / (previousReady + ready)), 1, 99);
    }

    private ModelDeploymentStatus BuildStatus(ReplicaSplit split, int weight)
    {
        var stable = _snapshot.Find(_stable!.Name);
        var canary = _snapshot.Find(_canary?.Name);
        var stableReady = stable?.Ready ?? 0;
        var canaryReady = canary?.Ready ?? 0;
        var effectiveWeight = _canary is null || CurrentShadow() is not null ? 0 : ObservedWeight(weight, stableReady, canaryReady);

        return new ModelDeploymentStatus
        {
            ObservedGeneration = _md.Metadata.Generation,
            Phase = Phase(split, stable),
            Conditions = BuildConditions(split, stable),
            StableRevision = _stable,
            CanaryRevision = _canary,
            CanaryWeight = effectiveWeight,
            CurrentStepIndex = _stepIndex,
            StepsHash = _stepsHash,
            PauseStartTime = _pauseStart,
            CanaryStartTime = _canaryStart,
            BakeUntil = _bakeUntil,
            LastDecision = _decision,
            RevisionHistory = _history.Count == 0 ? null : _history,
            QuarantinedRevisions = _quarantine.Count == 0 ? null : _quarantine,
            RecommendedReplicas = _config.Autoscaling is null
                ? null
                : _canary is null
                    ? [new RecommendedReplicas { Revision = _stable!.Name, Replicas = split.Stable }]
                    : [new RecommendedReplicas { Revision = _stable!.Name, Replicas = split.Stable }, new RecommendedReplicas { Revision = _canary.Name, Replicas = split.Canary }],
            Replicas = stable?.Replicas ?? 0,
            ReadyReplicas = stableReady + canaryReady,
            Selector = $"{Labels.Deployment}={_name}",
        };
    }

    /// <summary>The canary's share of traffic now: replica ratio from ready pods, or the weights on the HTTPRoute.</summary>
    private int ObservedWeight(int weight, int stableReady, int canaryReady)
    {
        if (_config.Mode == TrafficRoutingMode.GatewayApi && _snapshot.Route?.Spec?.Rules is { } rules)
        {
            var refs = rules.SelectMany(r => r.BackendRefs ?? []).ToList();
            var canaryWeight = refs.Where(b => b.Name == _canary!.Name).Sum(b => b.Weight ?? 1);
            var all = refs.Where(b => b.Name == _canary!.Name || b.Name == _stable!.Name).Sum(b => b.Weight ?? 1);
            var routed = all == 0 ? 0 : (int)Math.Round(100.0 * canaryWeight / all, MidpointRounding.AwayFromZero);
            return CanaryMath.EffectiveWeight(TrafficRoutingMode.GatewayApi, routed, stableReady, canaryReady);
        }

        return CanaryMath.EffectiveWeight(_config.Mode, weight, stableReady, canaryReady);
    }

    private MetricVerdict? StableFailure(ReplicaSplit split, RevisionState? stable) =>
        AnalysisEvaluator.EvaluateHealth(stable?.Health ?? PodHealth.None, split.Stable, _config.Criteria.MaxRestarts).FirstOrDefault(v => v.Immediate);

    private string Phase(ReplicaSplit split, RevisionState? stable)
    {
        if (_canary is not null)
        {
            return _config.Paused || _waitingIsPause ? Phases.Paused : Phases.Progressing;
        }

        if (_startWait is { } wait)
        {
            return wait.State == Webhooks.WebhookGateState.WaitingForConfirmation ? Phases.Paused : Phases.Progressing;
        }

        if (IsQuarantined(_desired.Name))
        {
            return Phases.RolledBack;
        }

        if (StableFailure(split, stable) is not null)
        {
            return Phases.Degraded;
        }

        if ((stable?.Ready ?? 0) < split.Stable)
        {
            // A promoted revision scaling up from its canary share is finishing its rollout, not degraded, for as
            // long as a step may take (after that, pods that never become ready are a degradation).
            if (JustPromoted())
            {
                return Phases.Progressing;
            }

            return _old.Phase is null or Phases.Pending ? Phases.Pending : Phases.Degraded;
        }

        return Phases.Healthy;
    }

    /// <summary>Whether the stable revision was promoted from a canary (not deployed first) less than a progress deadline ago.</summary>
    private bool JustPromoted() =>
        _history.Count > 1 && _history[^1].Name == _stable!.Name
        && _history[^1].PromotedAt is { } promotedAt && _now - promotedAt < _config.ProgressDeadline;

    private IReadOnlyList<Condition> BuildConditions(ReplicaSplit split, RevisionState? stable)
    {
        var generation = _md.Metadata.Generation;
        var conditions = _old.Conditions;
        var stableReady = stable?.Ready ?? 0;
        var stableFailure = StableFailure(split, stable);
        var quarantined = _quarantine.LastOrDefault(q => q.Name == _desired.Name);

        conditions = stableFailure is not null
            ? ConditionList.Set(conditions, Conditions.Ready, ConditionList.False, stableFailure.Reason, $"stable {_stable!.Name}: {stableFailure.Message}", generation, _now)
            : stableReady < split.Stable
                ? ConditionList.Set(conditions, Conditions.Ready, ConditionList.False, Reasons.NotReady,
                    $"{stableReady} of {split.Stable} pods of stable {_stable!.Name} ready", generation, _now)
                : ConditionList.Set(conditions, Conditions.Ready, ConditionList.True, Reasons.Healthy,
                    $"{stableReady} of {split.Stable} pods of stable {_stable!.Name} ready", generation, _now);

        if (_canary is not null)
        {
            var reason = _config.Paused ? Reasons.Paused : _waitingReason;
            var steps = _config.Steps;
            var index = Math.Min(_stepIndex ?? 0, steps.Count - 1);
            var message = $"canary {_canary.Name} at step {index + 1} of {steps.Count} ({RolloutConfig.Describe(steps[index])})"
                + (_waitingFor is null ? string.Empty : $": {_waitingFor}");
            conditions = ConditionList.Set(conditions, Conditions.Progressing, ConditionList.True, reason, message, generation, _now);
        }
        else if (_startWait is { } wait)
        {
            conditions = ConditionList.Set(conditions, Conditions.Progressing, ConditionList.True,
                wait.State == Webhooks.WebhookGateState.WaitingForConfirmation ? Reasons.WaitingForConfirmation : Reasons.WaitingForWebhook,
                $"canary {_desired.Name} not started: {wait.Message}", generation, _now);
        }
        else if (_bakeUntil is { } until)
        {
            conditions = ConditionList.Set(conditions, Conditions.Progressing, ConditionList.True, Reasons.Baking,
                $"{_stable!.Name} is guarded until {until:yyyy-MM-ddTHH:mm:ssZ}; {PreviousRevision()?.Name} stays warm", generation, _now);
        }
        else
        {
            conditions = ConditionList.Set(conditions, Conditions.Progressing, ConditionList.False, quarantined?.Reason ?? Reasons.Healthy,
                quarantined is null ? $"{_stable!.Name} serves all traffic" : $"no canary: {quarantined.Name} is quarantined", generation, _now);
        }

        if (quarantined is not null)
        {
            var message = $"the spec's revision {quarantined.Name} (model version {quarantined.ModelVersion}) was rolled back ({quarantined.Reason}) and is quarantined; "
                + $"{_stable!.Name} serves. Apply a new spec or the retry action";
            conditions = ConditionList.Set(conditions, Conditions.RolledBack, ConditionList.True, quarantined.Reason ?? Reasons.Quarantined, message, generation, _now);
            conditions = ConditionList.Set(conditions, Conditions.Degraded, ConditionList.True, quarantined.Reason ?? Reasons.Quarantined, message, generation, _now);
        }
        else
        {
            conditions = ConditionList.Set(conditions, Conditions.RolledBack, ConditionList.False, _canary is null ? Reasons.Healthy : Reasons.Progressing,
                "the spec's revision is not rolled back", generation, _now);
            conditions = stableFailure is not null
                ? ConditionList.Set(conditions, Conditions.Degraded, ConditionList.True, stableFailure.Reason, $"stable {_stable!.Name}: {stableFailure.Message}", generation, _now)
                : ConditionList.Set(conditions, Conditions.Degraded, ConditionList.False, Reasons.Healthy, "nothing needs a person", generation, _now);
        }

        // The spec's model is unverified while pods report a mismatch, and also after its
        // revision was rolled back for one: the rollback removed those pods, not the problem.
        var mismatch = new[] { stable, _snapshot.Find(_canary?.Name) }
            .FirstOrDefault(r => r?.Health.ModelReason == Reasons.ChecksumMismatch);
        var mismatchMessage = mismatch is not null
            ? $"{mismatch.Name}: {mismatch.Health.ModelMessage ?? "the model file does not match spec.model.sha256"}"
            : quarantined?.Reason == Reasons.ChecksumMismatch
                ? $"{quarantined.Name} (model version {quarantined.ModelVersion}) was rolled back because its model file does not match spec.model.sha256"
                : null;
        conditions = mismatchMessage is not null
            ? ConditionList.Set(conditions, Conditions.ModelVerified, ConditionList.False, Reasons.ChecksumMismatch, mismatchMessage, generation, _now)
            : stableReady > 0
                ? ConditionList.Set(conditions, Conditions.ModelVerified, ConditionList.True, Reasons.ChecksumVerified,
                    $"the pods of {_stable!.Name} verified the model's sha256 before serving", generation, _now)
                : ConditionList.Set(conditions, Conditions.ModelVerified, ConditionList.Unknown, Reasons.NotReady,
                    "no pod has loaded the model yet", generation, _now);
        return ModelReady(conditions, stable, stableReady, quarantined, generation);
    }

    /// <summary>
    /// <c>ModelReady</c>: whether the spec's model (the canary's while one runs, else the stable one's) loads. A pod's load
    /// failure is reported with the model server's own word (<c>DownloadFailed</c>, …) so that a wrong credential or URI
    /// reads as what it is, not as pods that never become ready.
    /// </summary>
    private IReadOnlyList<Condition> ModelReady(IReadOnlyList<Condition> conditions, RevisionState? stable, int stableReady, QuarantinedRevision? quarantined, long? generation)
    {
        var current = _canary is null ? stable : _snapshot.Find(_canary.Name);
        if (current is { Health: { ModelLoadFailed: true, ModelReason: { } word } health })
        {
            return ConditionList.Set(conditions, Conditions.ModelReady, ConditionList.False, word,
                $"{current.Name}: {health.ModelMessage ?? "the model server could not load the model"}", generation, _now);
        }

        // A canary whose model did not load is rolled back at once: its pods are gone, the spec's model still does not load.
        if (quarantined?.Reason is Reasons.ModelLoadFailed or Reasons.ChecksumMismatch)
        {
            return ConditionList.Set(conditions, Conditions.ModelReady, ConditionList.False, quarantined.Reason,
                $"{quarantined.Name} (model version {quarantined.ModelVersion}) was rolled back because its pods could not load the model; "
                + "the RolledBack Event and status.lastDecision carry the model server's words. Apply a new spec or the retry action", generation, _now);
        }

        var ready = _canary is null ? stableReady : current?.Ready ?? 0;
        return ready > 0
            ? ConditionList.Set(conditions, Conditions.ModelReady, ConditionList.True, Reasons.ModelLoaded,
                $"the pods of {current!.Name} loaded its model", generation, _now)
            : ConditionList.Set(conditions, Conditions.ModelReady, ConditionList.Unknown, Reasons.NotReady,
                "no pod of the spec's revision has loaded the model yet", generation, _now);
    }

    private PendingAnalysis? NextAnalysis()
    {
        if (!_config.HasAnalysis)
        {
            return null;
        }

        var due = AnalysisDueAt() ?? _now;
        if (_canary is not null)
        {
            return new PendingAnalysis(_canary.Name!, _stable!.Name, _config.Criteria.Interval, due, DriftWindowOf(_canary.Name)) { Shadow = CurrentShadow() is not null };
        }

        return _bakeUntil is not null
            ? new PendingAnalysis(_stable!.Name!, PreviousRevision()?.Name, _config.Criteria.Interval, due, DriftWindowOf(_stable.Name))
            : null;
    }

    /// <summary>The feature drift window of a revision's servers: the spec's own revision, or one recorded on its Deployment.</summary>
    private TimeSpan? DriftWindowOf(string? revision) =>
        revision == _desired.Name ? _desired.DriftWindow : _snapshot.Find(revision)?.Spec?.DriftWindow;
}
