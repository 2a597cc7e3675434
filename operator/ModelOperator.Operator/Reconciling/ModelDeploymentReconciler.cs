using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Apply;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Health;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Load;
using ModelOperator.Operator.Settings;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Autoscaling;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Reconciling;

/// <summary>
/// Reconciles one ModelDeployment: observe (snapshot from the view), plan (<see cref="RolloutPlanner"/>, measuring first
/// when the plan asks for a due analysis), apply (children create-or-update, unwanted ones deleted, traffic, annotations),
/// report (status through <c>/status</c> only when it changed, an Event per planned event, metrics), and requeue after
/// what the plan says. Level-based: it reads everything again each time and writes nothing when all is as planned.
/// </summary>
public sealed partial class ModelDeploymentReconciler(
    IKubernetesClient client,
    IClusterView view,
    Func<AnalysisSpec?, IAnalysisProvider> providers,
    IModelReadinessProbe readinessProbe,
    ILoadSource loadSource,
    IEventRecorder events,
    OperatorOptions options,
    OperatorMetrics metrics,
    TimeProvider time,
    ILogger<ModelDeploymentReconciler> logger) : IReconciler
{
    private readonly ChildApplier _applier = new(client);
    private readonly HttpRouteFinalizer _routeFinalizer = new(client, view, events, logger);
    private readonly OperatorSettings _settings = new()
    {
        DefaultImage = options.DefaultImage,
        MaxRestarts = options.MaxRestarts,
        ImageAllowlist = options.ImageAllowlist,
        AllowControlPlaneTolerations = options.AllowControlPlaneTolerations,
    };

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var md = await view.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (md is null || md.Metadata.DeletionTimestamp is not null)
        {
            metrics.Forget(key); // children go with it through their owner references
            if (md is not null)
            {
                await _routeFinalizer.FinalizeAsync(md, cancellationToken).ConfigureAwait(false); // the user's route stays: release it first
            }

            return ReconcileResult.Done;
        }

        var uid = md.Metadata.Uid!;
        var deployments = await view.OwnedAsync<Deployment>(key.Namespace, uid, cancellationToken).ConfigureAwait(false);
        var pods = await view.PodsAsync(key, cancellationToken).ConfigureAwait(false);
        var routeName = md.Spec?.Rollout?.TrafficRouting?.GatewayApi?.HttpRoute;
        var route = routeName is null ? null : await view.RouteAsync(new ObjectKey(key.Namespace, routeName), cancellationToken).ConfigureAwait(false);
        var readiness = await ProbeNotReadyAsync(pods, cancellationToken).ConfigureAwait(false);
        var snapshot = SnapshotBuilder.Build(md, deployments, pods, route, options.DefaultImage, readiness);
        if (md.Spec?.Autoscaling is not null)
        {
            snapshot = snapshot with { Load = await ObserveLoadAsync(snapshot, pods, cancellationToken).ConfigureAwait(false) };
        }

        var now = time.GetUtcNow();
        var plan = RolloutPlanner.Plan(md, snapshot, null, now, _settings);
        if (plan.NextAnalysis is { } pending && pending.DueAt <= now)
        {
            var result = await MeasureAsync(md, pending, pods, now, cancellationToken).ConfigureAwait(false);
            plan = RolloutPlanner.Plan(md, snapshot, result, now, _settings);
        }

        try
        {
            if (plan.Traffic is { } planned)
            {
                md = await _routeFinalizer.SyncAsync(md, planned.Mode == TrafficRoutingMode.GatewayApi ? route : null, cancellationToken).ConfigureAwait(false);
            }

            // A route that did not opt in stops the apply before anything is written.
            if (plan.Traffic is { Mode: TrafficRoutingMode.GatewayApi } && route is not null && HttpRouteWeights.OptInProblem(route, key.Name) is { } notOptedIn)
            {
                throw new ChildConflictException(Reasons.RouteNotOptedIn, notOptedIn);
            }

            if (plan.Revisions is { } revisions)
            {
                await ApplyRevisionsAsync(md, revisions, deployments, cancellationToken).ConfigureAwait(false);
            }

            if (plan.Traffic is { } traffic)
            {
                await ApplyTrafficAsync(md, traffic, route, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ChildConflictException conflict)
        {
            Log.Blocked(logger, conflict.Reason, conflict.Message);
            plan = RolloutPlanner.Blocked(md, conflict.Reason, conflict.Message, now, _settings.PollInterval);
        }

        md = await ApplyAnnotationsAsync(md, plan.Annotations, cancellationToken).ConfigureAwait(false);
        await WriteStatusAsync(md, plan.Status, cancellationToken).ConfigureAwait(false);
        foreach (var e in plan.Events)
        {
            await events.RecordAsync(md, e.Type == PlannedEvent.Warning ? EventType.Warning : EventType.Normal, e.Reason, e.Message, cancellationToken).ConfigureAwait(false);
        }

        Report(key, md.Status, plan.Status);
        return plan.RequeueAfter is { } after && after > TimeSpan.Zero ? ReconcileResult.After(after) : ReconcileResult.Done;
    }

    /// <summary>
    /// Asks the model server of every live pod that is not Ready (and has an IP) why, so that a model that cannot load
    /// shows up as its reason (ChecksumMismatch, InvalidModel, …) instead of as pods that never become ready.
    /// Ready pods are not asked: their readiness probe already passed the same endpoint.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, ModelReadiness>> ProbeNotReadyAsync(IReadOnlyList<Pod> pods, CancellationToken cancellationToken)
    {
        var notReady = pods
            .Where(p => p.Metadata.DeletionTimestamp is null && !SnapshotBuilder.IsReady(p) && !string.IsNullOrEmpty(p.Status?.PodIP))
            .ToList();
        if (notReady.Count == 0)
        {
            return new Dictionary<string, ModelReadiness>(StringComparer.Ordinal);
        }

        var answers = await Task.WhenAll(notReady.Select(p => readinessProbe.ProbeAsync(p, cancellationToken))).ConfigureAwait(false);
        var result = new Dictionary<string, ModelReadiness>(StringComparer.Ordinal);
        for (var i = 0; i < notReady.Count; i++)
        {
            if (answers[i] is { } answer)
            {
                result[notReady[i].Metadata.Name!] = answer;
            }
        }

        return result;
    }

    /// <summary>The load of every revision that runs pods (autoscaling only): throughput, in flight, p95, load time.</summary>
    private async Task<IReadOnlyDictionary<string, LoadObservation>> ObserveLoadAsync(ClusterSnapshot snapshot, IReadOnlyList<Pod> pods, CancellationToken cancellationToken)
    {
        var load = new Dictionary<string, LoadObservation>(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        foreach (var revision in snapshot.Revisions)
        {
            var mine = pods.Where(p => SnapshotBuilder.Revision(p) == revision.Name).ToList();
            if (mine.Count > 0)
            {
                load[revision.Name] = await loadSource.ObserveAsync(revision.Name, mine, now, cancellationToken).ConfigureAwait(false);
            }
        }

        return load;
    }

    private async Task<AnalysisResult?> MeasureAsync(ModelDeployment md, PendingAnalysis pending, IReadOnlyList<Pod> pods, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var spec = md.Spec?.Rollout?.Analysis;
        var request = new AnalysisRequest(
            ObjectKey.From(md), spec, pending.Revision, pending.Baseline,
            pods.Where(p => SnapshotBuilder.Revision(p) == pending.Revision).ToList(),
            pending.Baseline is null ? [] : pods.Where(p => SnapshotBuilder.Revision(p) == pending.Baseline).ToList(),
            pending.Window, now);
        var result = await providers(spec).MeasureAsync(request, cancellationToken).ConfigureAwait(false);
        Log.Measured(logger, pending.Revision, result.ErrorRate?.Value ?? double.NaN, result.ErrorRate?.Samples ?? 0);
        return result;
    }

    private async Task ApplyRevisionsAsync(ModelDeployment md, IReadOnlyList<DesiredRevision> revisions, IReadOnlyList<Deployment> observed, CancellationToken cancellationToken)
    {
        var byName = observed.ToDictionary(d => d.Metadata.Name!, StringComparer.Ordinal);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var revision in revisions)
        {
            byName.TryGetValue(revision.Name, out var existing);
            var spec = revision.Spec is { } s ? new ModelDeploymentSpec { Model = s.Model, Runtime = s.Runtime } : existing is null ? null : DeploymentBuilder.ReadRevisionSpec(existing);
            if (spec?.Model is null)
            {
                if (existing is not null)
                {
                    wanted.Add(revision.Name); // no recorded template: keep it as it is, only scale it
                    if (existing.Spec?.Replicas != revision.Replicas)
                    {
                        await client.Resource<Deployment>().PatchAsync(ObjectKey.From(existing),
                            Patch.Merge(new JsonObject { ["spec"] = new JsonObject { ["replicas"] = revision.Replicas } }), cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                }

                continue;
            }

            wanted.Add(revision.Name);
            var desired = DeploymentBuilder.Build(md, new RevisionWorkload(revision.Name, spec.Model, spec.Runtime, revision.Replicas), options);
            var (_, outcome) = await _applier.EnsureAsync(desired, existing, cancellationToken).ConfigureAwait(false);
            LogOutcome("Deployment", revision.Name, outcome);
        }

        foreach (var stale in observed.Where(d => !wanted.Contains(d.Metadata.Name!)))
        {
            LogOutcome("Deployment", stale.Metadata.Name!, await _applier.DeleteAsync(stale, cancellationToken).ConfigureAwait(false));
        }

        await ApplyAutoscalersAsync(md, revisions, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyAutoscalersAsync(ModelDeployment md, IReadOnlyList<DesiredRevision> revisions, CancellationToken cancellationToken)
    {
        var observed = await view.OwnedAsync<HorizontalPodAutoscaler>(md.Metadata.Namespace!, md.Metadata.Uid!, cancellationToken).ConfigureAwait(false);
        var byName = observed.ToDictionary(h => h.Metadata.Name!, StringComparer.Ordinal);
        var wanted = md.Spec?.Autoscaling is null
            ? []
            : revisions.Where(r => r.Role is RevisionRole.Stable or RevisionRole.Canary && r.Replicas >= 1).ToList();
        foreach (var revision in wanted)
        {
            var (_, outcome) = await _applier.EnsureAsync(HpaBuilder.Build(md, revision.Name, revision.Replicas), byName.GetValueOrDefault(revision.Name), cancellationToken).ConfigureAwait(false);
            LogOutcome("HorizontalPodAutoscaler", revision.Name, outcome);
        }

        foreach (var stale in observed.Where(h => !wanted.Any(w => w.Name == h.Metadata.Name)))
        {
            LogOutcome("HorizontalPodAutoscaler", stale.Metadata.Name!, await _applier.DeleteAsync(stale, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task ApplyTrafficAsync(ModelDeployment md, TrafficPlan traffic, HttpRoute? route, CancellationToken cancellationToken)
    {
        var services = await view.OwnedAsync<Service>(md.Metadata.Namespace!, md.Metadata.Uid!, cancellationToken).ConfigureAwait(false);
        var byName = services.ToDictionary(s => s.Metadata.Name!, StringComparer.Ordinal);
        var wanted = new List<Service> { ServiceBuilder.BuildMain(md, traffic.MainServiceRevision) };
        if (traffic.Mode == TrafficRoutingMode.GatewayApi)
        {
            wanted.AddRange(traffic.Backends.Select(b => ServiceBuilder.BuildRevision(md, b.Revision)));
        }

        foreach (var service in wanted)
        {
            var (_, outcome) = await _applier.EnsureAsync(service, byName.GetValueOrDefault(service.Metadata.Name!), cancellationToken).ConfigureAwait(false);
            LogOutcome("Service", service.Metadata.Name!, outcome);
        }

        if (traffic.Mode == TrafficRoutingMode.GatewayApi && traffic.Backends.Count > 0 && route is null)
        {
            await events.RecordAsync(md, EventType.Warning, Reasons.InvalidSpec,
                $"HTTPRoute {traffic.HttpRoute} named by spec.rollout.trafficRouting.gatewayAPI.httpRoute does not exist in namespace {md.Metadata.Namespace}; create it or switch to replicas routing", cancellationToken).ConfigureAwait(false);
        }
        else if (traffic.Mode == TrafficRoutingMode.GatewayApi && traffic.Backends.Count > 0 && route is not null)
        {
            var canary = traffic.Backends.Count > 1 ? traffic.Backends[1] : null;
            var ours = wanted.Concat(services).Select(s => s.Metadata.Name!).ToHashSet(StringComparer.Ordinal);
            var desired = HttpRouteWeights.Apply(route, ours, traffic.Backends[0].Revision, canary?.Revision, canary?.Weight ?? 0);
            var (_, outcome) = await _applier.EnsureAsync(desired, route, cancellationToken).ConfigureAwait(false);
            LogOutcome("HTTPRoute", route.Metadata.Name!, outcome);
        }

        // Only once the route no longer names them: a Gateway never forwards to a Service that is gone.
        foreach (var stale in services.Where(s => !wanted.Any(w => w.Metadata.Name == s.Metadata.Name)))
        {
            LogOutcome("Service", stale.Metadata.Name!, await _applier.DeleteAsync(stale, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task<ModelDeployment> ApplyAnnotationsAsync(ModelDeployment md, IReadOnlyDictionary<string, string?> annotations, CancellationToken cancellationToken)
    {
        var current = md.Metadata.Annotations ?? new Dictionary<string, string>();
        var changes = annotations.Where(a => a.Value is null ? current.ContainsKey(a.Key) : current.GetValueOrDefault(a.Key) != a.Value).ToList();
        if (changes.Count == 0)
        {
            return md;
        }

        var body = new JsonObject();
        foreach (var (k, v) in changes)
        {
            body[k] = v is null ? null : JsonValue.Create(v);
        }

        // The resourceVersion makes this a guarded write: a newer spec (a user's edit) wins and we plan again.
        var patch = Patch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = md.Metadata.ResourceVersion, ["annotations"] = body } });
        return await client.Resource<ModelDeployment>().PatchAsync(ObjectKey.From(md), patch, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteStatusAsync(ModelDeployment md, ModelDeploymentStatus status, CancellationToken cancellationToken)
    {
        if (KubernetesJson.SemanticEquals(md.Status, status, ModelDeploymentJsonContext.Default.ModelDeploymentStatus))
        {
            return;
        }

        await client.Resource<ModelDeployment>().UpdateStatusAsync(md with { Status = status }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private void Report(ObjectKey key, ModelDeploymentStatus? before, ModelDeploymentStatus after)
    {
        var decision = after.LastDecision;
        if (decision is not null && !Equals(decision, before?.LastDecision))
        {
            if (decision.Action == DecisionActions.Promote)
            {
                metrics.Promoted();
            }
            else if (decision.Action == DecisionActions.Rollback)
            {
                metrics.RolledBack(decision.Reason ?? Reasons.AnalysisFailed);
            }
        }

        int? Recommended(string? revision) =>
            revision is null ? null : after.RecommendedReplicas?.FirstOrDefault(r => r.Revision == revision)?.Replicas;
        metrics.Observe(key, new OperatorMetrics.DeploymentGauges(after.CanaryWeight ?? 0, after.Phase ?? Phases.Pending,
            Recommended(after.StableRevision?.Name), Recommended(after.CanaryRevision?.Name),
            after.CanaryRevision is null ? 0 : (after.CurrentStepIndex ?? 0) + 1));
    }

    private void LogOutcome(string kind, string name, ApplyOutcome outcome)
    {
        if (outcome != ApplyOutcome.Unchanged)
        {
            Log.Applied(logger, kind, name, outcome.ToString());
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Kind} {Name} {Outcome}")]
        public static partial void Applied(ILogger logger, string kind, string name, string outcome);

        [LoggerMessage(3, LogLevel.Warning, "Not applied ({Reason}): {Message}")]
        public static partial void Blocked(ILogger logger, string reason, string message);

        [LoggerMessage(2, LogLevel.Debug, "Measured revision {Revision}: error rate {ErrorRate} over {Samples} requests")]
        public static partial void Measured(ILogger logger, string revision, double errorRate, long samples);
    }
}
