using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Apply;
using ModelOperator.Operator.Health;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Load;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Webhooks;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Reconciling;

/// <summary>
/// Reconciles one ModelDeployment in four parts, in order: observe (<see cref="ClusterObserver"/>: a snapshot from the
/// view, measuring first when the plan asks for a due analysis), plan (<see cref="RolloutPlanner"/>), apply
/// (<see cref="PlanApplier"/>: children, then annotations) and report (<see cref="PlanReporter"/>: status, Events,
/// metrics); then it requeues after what the plan says. Level-based: it reads everything again each time and writes
/// nothing when all is as planned. It decides nothing itself.
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
    ILogger<ModelDeploymentReconciler> logger,
    StableDriftSource? stableDrift = null,
    WebhookDispatcher? webhooks = null) : IReconciler
{
    private readonly ClusterObserver _observer = new(view, providers, readinessProbe, loadSource, logger);
    private readonly PlanApplier _applier = new(client, view, options, logger);
    private readonly PlanReporter _reporter = new(client, events, metrics);
    private readonly HttpRouteFinalizer _routeFinalizer = new(client, view, events, logger);
    private readonly StableDriftObserver _stableDrift = new(stableDrift, logger);
    private readonly OperatorSettings _settings = new()
    {
        DefaultImage = options.DefaultImage,
        MaxRestarts = options.MaxRestarts,
        ImageAllowlist = options.ImageAllowlist,
        AllowControlPlaneTolerations = options.AllowControlPlaneTolerations,
        WebhookAllowlist = new(options.AnalysisWebAllowedPrefixes, url => AllowedAddresses.IsAllowed(url, options.AnalysisWebAllowedPrefixes)),
    };

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var md = await view.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (md is null || md.Metadata.DeletionTimestamp is not null)
        {
            metrics.Forget(key); // children go with it through their owner references
            _stableDrift.Forget(key);
            webhooks?.Forget(key);
            if (md is not null)
            {
                await _routeFinalizer.FinalizeAsync(md, cancellationToken).ConfigureAwait(false); // the user's route stays: release it first
            }

            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow();
        var observed = await _observer.ObserveAsync(md, now, cancellationToken).ConfigureAwait(false);
        var called = webhooks?.Results(key);
        var plan = RolloutPlanner.Plan(md, observed.Snapshot, null, now, _settings, called);
        if (plan.NextAnalysis is { } pending && pending.DueAt <= now)
        {
            var measured = await _observer.MeasureAsync(md, observed, pending, now, cancellationToken).ConfigureAwait(false);
            plan = RolloutPlanner.Plan(md, observed.Snapshot, measured, now, _settings, called);
        }

        try
        {
            if (plan.Traffic is { } planned)
            {
                md = await _routeFinalizer.SyncAsync(md, planned.Mode == TrafficRoutingMode.GatewayApi ? observed.Snapshot.Route : null, cancellationToken).ConfigureAwait(false);
            }

            await _applier.ApplyChildrenAsync(md, plan, observed.Snapshot.Route, cancellationToken).ConfigureAwait(false);
        }
        catch (ChildConflictException conflict)
        {
            Log.Blocked(logger, conflict.Reason, conflict.Message);
            plan = RolloutPlanner.Blocked(md, conflict.Reason, conflict.Message, now, _settings.PollInterval);
        }

        md = await _applier.ApplyAnnotationsAsync(md, plan.Annotations, cancellationToken).ConfigureAwait(false);
        plan = await _stableDrift.ObserveAsync(md, observed, plan, now, cancellationToken).ConfigureAwait(false);
        await _reporter.ReportAsync(md, plan, cancellationToken).ConfigureAwait(false);
        // Only after the status holds the results: a failed write leaves them for the next reconcile.
        webhooks?.Acknowledge(key, plan.Status);
        webhooks?.Dispatch(md, plan);
        return plan.RequeueAfter is { } after && after > TimeSpan.Zero ? ReconcileResult.After(after) : ReconcileResult.Done;
    }

    private static partial class Log
    {
        [LoggerMessage(3, LogLevel.Warning, "Not applied ({Reason}): {Message}")]
        public static partial void Blocked(ILogger logger, string reason, string message);
    }
}
