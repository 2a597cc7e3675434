using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Controllers;

/// <summary>
/// Level-based reconcile of one object: given only its key, make the world match its spec. The object may
/// be gone (deleted) by the time this runs; read it from the cache and act on what is there.
/// </summary>
public interface IReconciler
{
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}
