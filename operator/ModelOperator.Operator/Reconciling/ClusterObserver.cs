using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Health;
using ModelOperator.Operator.Load;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Autoscaling;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Reconciling;

/// <summary>What one reconcile observed: the planner's snapshot, and the pods it was built from (to measure them).</summary>
public sealed record Observation(ClusterSnapshot Snapshot, IReadOnlyList<Pod> Pods);

/// <summary>
/// The observe part of a reconcile: reads what exists for a ModelDeployment from the view (its Deployments, pods and
/// HTTPRoute), asks not-ready model servers why, reads the revisions' load when autoscaling, and measures an analysis
/// when the plan asks for one. It decides nothing: the planner does.
/// </summary>
public sealed partial class ClusterObserver(
    IClusterView view,
    Func<AnalysisSpec?, IAnalysisProvider> providers,
    IModelReadinessProbe readinessProbe,
    ILoadSource loadSource,
    ILogger logger)
{
    public async Task<Observation> ObserveAsync(ModelDeployment md, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(md);
        var key = ObjectKey.From(md);
        var deployments = await view.OwnedAsync<Deployment>(key.Namespace, md.Metadata.Uid!, cancellationToken).ConfigureAwait(false);
        var pods = await view.PodsAsync(key, cancellationToken).ConfigureAwait(false);
        var routeName = md.Spec?.Rollout?.TrafficRouting?.GatewayApi?.HttpRoute;
        var route = routeName is null ? null : await view.RouteAsync(new ObjectKey(key.Namespace, routeName), cancellationToken).ConfigureAwait(false);
        var readiness = await ProbeNotReadyAsync(pods, cancellationToken).ConfigureAwait(false);
        var snapshot = SnapshotBuilder.Build(md, deployments, pods, route, readiness);
        if (md.Spec?.Autoscaling is not null)
        {
            snapshot = snapshot with { Load = await ObserveLoadAsync(snapshot, pods, now, cancellationToken).ConfigureAwait(false) };
        }

        return new Observation(snapshot, pods);
    }

    /// <summary>Measures what <paramref name="pending"/> asks for, over the observed pods of its revisions.</summary>
    public async Task<AnalysisResult> MeasureAsync(ModelDeployment md, Observation observed, PendingAnalysis pending, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(pending);
        var spec = md.Spec?.Rollout?.Analysis;
        var request = new AnalysisRequest(
            ObjectKey.From(md), spec, pending.Revision, pending.Baseline,
            observed.Pods.Where(p => SnapshotBuilder.Revision(p) == pending.Revision).ToList(),
            pending.Baseline is null ? [] : observed.Pods.Where(p => SnapshotBuilder.Revision(p) == pending.Baseline).ToList(),
            pending.Window, now) { Shadow = pending.Shadow };
        var result = WithDriftWindow(await providers(spec).MeasureAsync(request, cancellationToken).ConfigureAwait(false), pending.DriftWindow);
        Log.Measured(logger, pending.Revision, result.ErrorRate?.Value ?? double.NaN, result.ErrorRate?.Samples ?? 0);
        return result;
    }

    /// <summary>
    /// Feature drift is the servers' PSI over their own sliding DRIFT_WINDOW, not over the analysis interval the provider
    /// was asked for; its measurement says so, and so do the verdict, status.lastDecision.window and the messages.
    /// </summary>
    internal static AnalysisResult WithDriftWindow(AnalysisResult result, TimeSpan? driftWindow) =>
        driftWindow is { } window && result.FeatureDrift is { } drift ? result with { FeatureDrift = drift with { Window = window } } : result;

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
        var result = new Dictionary<string, ModelReadiness>(StringComparer.Ordinal);
        if (notReady.Count == 0)
        {
            return result;
        }

        var answers = await Task.WhenAll(notReady.Select(p => readinessProbe.ProbeAsync(p, cancellationToken))).ConfigureAwait(false);
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
    private async Task<IReadOnlyDictionary<string, LoadObservation>> ObserveLoadAsync(ClusterSnapshot snapshot, IReadOnlyList<Pod> pods, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var load = new Dictionary<string, LoadObservation>(StringComparer.Ordinal);
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

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Debug, "Measured revision {Revision}: error rate {ErrorRate} over {Samples} requests")]
        public static partial void Measured(ILogger logger, string revision, double errorRate, long samples);
    }
}
