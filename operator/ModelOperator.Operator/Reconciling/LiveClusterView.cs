using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;

namespace ModelOperator.Operator.Reconciling;

/// <summary>Reads straight from the API server (a list per call): always current, for tests and one-shot runs.</summary>
public sealed class LiveClusterView(IKubernetesClient client) : IClusterView
{
    public async Task<ModelDeployment?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Resource<ModelDeployment>().GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesNotFoundException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<T>> OwnedAsync<T>(string @namespace, string uid, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T>
    {
        if (typeof(T) == typeof(Pod))
        {
            throw new ArgumentException(IClusterView.NotOwnedKind(typeof(T)));
        }

        var list = await client.Resource<T>().ListAllAsync(@namespace, new ListOptions { LabelSelector = OperatorInformers.ManagedBySelector }, cancellationToken).ConfigureAwait(false);
        return list.Items.Where(o => Indexers.ControllerUid(o).Contains(uid, StringComparer.Ordinal)).ToList();
    }

    public async Task<IReadOnlyList<Pod>> PodsAsync(ObjectKey modelDeployment, CancellationToken cancellationToken)
    {
        var selector = $"{OperatorInformers.ManagedBySelector},{Labels.Deployment}={modelDeployment.Name}";
        var list = await client.Resource<Pod>().ListAllAsync(modelDeployment.Namespace, new ListOptions { LabelSelector = selector }, cancellationToken).ConfigureAwait(false);
        return list.Items;
    }

    public async Task<HttpRoute?> RouteAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Resource<HttpRoute>().GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesNotFoundException)
        {
            return null;
        }
    }
}
