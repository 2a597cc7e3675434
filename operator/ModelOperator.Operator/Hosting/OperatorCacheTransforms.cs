using System.Text.Json;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Hosting;

/// <summary>
/// What the operator's caches drop from objects on the way in (see <see cref="CacheTransforms"/>). Every kind loses
/// <c>managedFields</c>. A Pod also loses its spec: the operator never writes pods and reads only their metadata
/// (name, uid, labels, annotations, deletion) and status (conditions, container statuses, pod IP); the spec, with
/// its containers, probes and the fields the API server defaults (restartPolicy, dnsPolicy, terminationMessagePath, …),
/// is the largest part of a pod. Code that needs a pod's spec must read the pod from the API server, not from the cache.
/// The informers read objects straight into that shape (<see cref="Decoding{T}"/>, with strings shared through one
/// <see cref="StringPool"/>); <see cref="Pod"/> and <see cref="CacheTransforms.StripManagedFields{T}"/> state the same
/// shape as transforms, applied to every object the informers hand out whatever its source.
/// </summary>
public static class OperatorCacheTransforms
{
    /// <summary>The fields of a Pod the operator's cache does not keep.</summary>
    public static IReadOnlyList<CacheDecoding.SkippedField> PodSkipped { get; } = [CacheDecoding.ManagedFields, new(typeof(Pod), "spec")];

    public static Pod Pod(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var stripped = CacheTransforms.StripManagedFields(pod);
        return stripped.Spec is null ? stripped : stripped with { Spec = null };
    }

    /// <summary>How the operator's informer of <typeparamref name="T"/> reads objects: into their cached shape, strings shared.</summary>
    public static JsonSerializerOptions Decoding<T>(StringPool strings)
        where T : class, IKubernetesObject<T> =>
        typeof(T) == typeof(Pod)
            ? CacheDecoding.For<T>(strings, PodSkipped)
            : CacheDecoding.For<T>(strings, CacheDecoding.ManagedFields);
}
