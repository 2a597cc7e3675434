using System.Text.Json;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes;

/// <summary>
/// A narrow Kubernetes API client: one typed <see cref="IResourceClient{T}"/> per kind.
/// Failures surface as <see cref="KubernetesApiException"/> subclasses carrying the API's <see cref="Status"/>.
/// </summary>
public interface IKubernetesClient
{
    /// <summary>The client for kind <typeparamref name="T"/>. Cheap; clients share one HTTP connection pool.</summary>
    IResourceClient<T> Resource<T>()
        where T : class, IKubernetesObject<T>;

    /// <summary>
    /// The client for kind <typeparamref name="T"/> that reads answers (objects, list pages, watch events) with
    /// <paramref name="decoding"/> instead of the kind's own JSON contract, e.g. an informer whose cache keeps objects
    /// trimmed, with shared strings, and should not decode them whole first. Writes still send the kind's own JSON.
    /// Each call makes a new client; keep it.
    /// </summary>
    IResourceClient<T> Resource<T>(JsonSerializerOptions decoding)
        where T : class, IKubernetesObject<T>;

    /// <summary>The namespace this process runs in (in-cluster) or the kubeconfig context's namespace; <c>default</c> otherwise.</summary>
    string DefaultNamespace { get; }
}
