using ModelOperator.Kubernetes.Models;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Http;

/// <summary>
/// Runs a reconciler inside an <see cref="OutboundBudget"/> (OUTBOUND_CONCURRENCY calls at once, OUTBOUND_DEADLINE for
/// all), so a ModelDeployment whose pods never answer holds a controller worker for at most the deadline, and one whose
/// pods answer slowly cannot open more than a few connections at once.
/// </summary>
public sealed class OutboundBudgetReconciler(IReconciler inner, OperatorOptions options, TimeProvider time) : IReconciler
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        using var budget = OutboundBudget.Begin(options.OutboundDeadline, options.OutboundConcurrency, time);
        return await inner.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
    }
}
