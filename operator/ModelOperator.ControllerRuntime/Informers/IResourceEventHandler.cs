using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>
/// Receives an informer's notifications (client-go's <c>ResourceEventHandler</c>). Calls come one at a
/// time, after the cache has been updated; they must be quick (map the object to keys and enqueue).
/// The objects are the cache's own immutable records: read them, never try to change them.
/// </summary>
public interface IResourceEventHandler<in T>
    where T : class, IKubernetesObject
{
    /// <summary>An object appeared; <paramref name="isInInitialList"/> is true for objects of the first list.</summary>
    void OnAdd(T obj, bool isInInitialList);

    /// <summary>An object changed, or a resync replayed it (then both arguments are the same object).</summary>
    void OnUpdate(T oldObj, T newObj);

    /// <summary>
    /// An object went away. <paramref name="finalStateUnknown"/> is true when the deletion was inferred by a
    /// relist: <paramref name="obj"/> is then the last state the informer saw.
    /// </summary>
    void OnDelete(T obj, bool finalStateUnknown);
}

/// <summary>An event handler made of delegates; any of them may be left out.</summary>
public sealed class ResourceEventHandler<T> : IResourceEventHandler<T>
    where T : class, IKubernetesObject
{
    public Action<T, bool>? Added { get; init; }

    public Action<T, T>? Updated { get; init; }

    public Action<T, bool>? Deleted { get; init; }

    public void OnAdd(T obj, bool isInInitialList) => Added?.Invoke(obj, isInInitialList);

    public void OnUpdate(T oldObj, T newObj) => Updated?.Invoke(oldObj, newObj);

    public void OnDelete(T obj, bool finalStateUnknown) => Deleted?.Invoke(obj, finalStateUnknown);
}
