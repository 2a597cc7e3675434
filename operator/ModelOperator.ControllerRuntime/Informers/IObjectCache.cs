using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>
/// Read-only view of an informer's cache. Objects are immutable records shared with every reader:
/// to change one, make a copy with <c>with</c> and send it to the API server.
/// </summary>
public interface IObjectCache<T>
    where T : class, IKubernetesObject
{
    /// <summary>The object with this key, or null.</summary>
    T? Get(ObjectKey key);

    /// <summary>Every object, in key order.</summary>
    IReadOnlyList<T> List();

    /// <summary>Objects of one namespace, in key order.</summary>
    IReadOnlyList<T> List(string @namespace);

    /// <summary>Objects whose index <paramref name="indexName"/> yields <paramref name="value"/>, in key order.</summary>
    /// <exception cref="ArgumentException">No index has that name.</exception>
    IReadOnlyList<T> ByIndex(string indexName, string value);

    /// <summary>How many objects are cached.</summary>
    int Count { get; }
}
