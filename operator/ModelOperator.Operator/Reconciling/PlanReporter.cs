using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Reconciling;

/// <summary>
/// The report part of a reconcile: writes the plan's status through <c>/status</c> only when it differs from the one
/// read, records the plan's Events in order, and updates the operator's metrics (a new promote or rollback decision
/// counted once; the per-ModelDeployment gauges).
/// </summary>
public sealed class PlanReporter(IKubernetesClient client, IEventRecorder events, OperatorMetrics metrics)
{
    /// <param name="md">The ModelDeployment as last read or written (its status is the one before the plan).</param>
    public async Task ReportAsync(ModelDeployment md, RolloutPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(plan);
        if (!KubernetesJson.SemanticEquals(md.Status, plan.Status, ModelDeploymentJsonContext.Default.ModelDeploymentStatus))
        {
            await client.Resource<ModelDeployment>().UpdateStatusAsync(md with { Status = plan.Status }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var e in plan.Events)
        {
            await events.RecordAsync(md, e.Type == PlannedEvent.Warning ? EventType.Warning : EventType.Normal, e.Reason, e.Message, cancellationToken).ConfigureAwait(false);
        }

        Count(ObjectKey.From(md), md.Status, plan.Status);
    }

    private void Count(ObjectKey key, ModelDeploymentStatus? before, ModelDeploymentStatus after)
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
            after.CanaryRevision is null ? 0 : (after.CurrentStepIndex ?? 0) + 1,
            Unproven: decision?.Reason == Reasons.BakeInconclusive));
    }
}
