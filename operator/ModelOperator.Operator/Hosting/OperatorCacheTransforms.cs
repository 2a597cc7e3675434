using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Hosting;

/// <summary>
/// What the operator's caches drop from objects on the way in (see <see cref="CacheTransforms"/>). Every kind loses
/// <c>managedFields</c>. A Pod also loses its spec: the operator never writes pods and reads only their metadata
/// (name, uid, labels, annotations, deletion) and status (conditions, container statuses, pod IP); the spec, with
/// its containers, probes and security settings, is the largest part of a pod. Code that needs a pod's spec must
/// read the pod from the API server, not from the cache.
/// </summary>
public static class OperatorCacheTransforms
{
    public static Pod Pod(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var stripped = CacheTransforms.StripManagedFields(pod);
        return stripped.Spec is null ? stripped : stripped with { Spec = null };
    }
}
