using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Reconciling;

/// <summary>
/// What the reconciler reads: a ModelDeployment and the objects it controls. In the operator it is the informers' caches
/// (<see cref="CacheClusterView"/>); tests and one-shot tools may read the API server directly (<see cref="LiveClusterView"/>).
/// </summary>
public interface IClusterView
{
    Task<ModelDeployment?> GetAsync(ObjectKey key, CancellationToken cancellationToken);

    /// <summary>
    /// The objects of kind <typeparamref name="T"/> whose controller is the ModelDeployment with <paramref name="uid"/> in
    /// <paramref name="namespace"/>: its Deployments, Services and HPAs. Pods are refused (<see cref="ArgumentException"/>):
    /// a ReplicaSet controls them, not the ModelDeployment; <see cref="PodsAsync"/> finds them by label.
    /// </summary>
    Task<IReadOnlyList<T>> OwnedAsync<T>(string @namespace, string uid, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T>;

    /// <summary>The pods of every revision of the ModelDeployment <paramref name="modelDeployment"/> (by the <c>modeloperator.io/deployment</c> label).</summary>
    Task<IReadOnlyList<Pod>> PodsAsync(ObjectKey modelDeployment, CancellationToken cancellationToken);

    Task<HttpRoute?> RouteAsync(ObjectKey key, CancellationToken cancellationToken);

    /// <summary>Why <see cref="OwnedAsync{T}"/> cannot answer for <paramref name="kind"/>, and what it answers for.</summary>
    internal static string NotOwnedKind(Type kind) =>
        kind == typeof(Pod)
            ? "A ReplicaSet controls pods, not the ModelDeployment: read them with PodsAsync (by the modeloperator.io/deployment label)."
            : $"No informer caches {kind.Name}; OwnedAsync reads the kinds a ModelDeployment controls: Deployment, Service, HorizontalPodAutoscaler.";
}
