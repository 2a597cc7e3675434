using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;

namespace ModelOperator.Operator.Reconciling;

/// <summary>Reads from the informers' caches (owned objects through the controller-UID index). Never calls the API server.</summary>
public sealed class CacheClusterView(OperatorInformers informers) : IClusterView
{
    public Task<ModelDeployment?> GetAsync(ObjectKey key, CancellationToken cancellationToken) =>
        Task.FromResult(informers.ModelDeployments.Cache.Get(key));

    public Task<IReadOnlyList<T>> OwnedAsync<T>(string @namespace, string uid, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T>
    {
        IObjectCache<T> cache = typeof(T) switch
        {
            var t when t == typeof(Deployment) => (IObjectCache<T>)informers.Deployments.Cache,
            var t when t == typeof(Service) => (IObjectCache<T>)informers.Services.Cache,
            var t when t == typeof(HorizontalPodAutoscaler) => (IObjectCache<T>)informers.Autoscalers.Cache,
            var t when t == typeof(PodDisruptionBudget) => (IObjectCache<T>)informers.DisruptionBudgets.Cache,
            var t when t == typeof(ConfigMap) => (IObjectCache<T>)informers.ConfigMaps.Cache,
            _ => throw new ArgumentException(IClusterView.NotOwnedKind(typeof(T))),
        };
        return Task.FromResult<IReadOnlyList<T>>(cache.ByIndex(Indexers.ControllerUidIndex, uid).Where(o => o.Metadata.Namespace == @namespace).ToList());
    }

    // An index lookup: listing the namespace's pods and filtering them made each reconcile cost as much as there were
    // pods in the namespace (1 000 ModelDeployments: a million pod visits per resync, and as many allocations).
    public Task<IReadOnlyList<Pod>> PodsAsync(ObjectKey modelDeployment, CancellationToken cancellationToken) =>
        Task.FromResult(informers.Pods.Cache.ByIndex(OperatorInformers.PodsByModelDeploymentIndex, OperatorInformers.ModelDeploymentIndexValue(modelDeployment)));

    public Task<HttpRoute?> RouteAsync(ObjectKey key, CancellationToken cancellationToken) =>
        Task.FromResult(informers.HttpRoutes.Cache.Get(key));
}
