using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.ControllerRuntime.Queue;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Controllers;

/// <summary>
/// Informer handlers that turn object changes into keys (controller-runtime's <c>handler</c> package).
/// Every add, update and delete enqueues: reconcile is level-based and looks at the world itself.
/// </summary>
public static class EnqueueHandlers
{
    /// <summary>Enqueues the key of the object itself (for the controller's own kind).</summary>
    public static IResourceEventHandler<T> ForObject<T>(WorkQueue<ObjectKey> queue)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(queue);
        return Mapping<T>(queue, obj => [ObjectKey.From(obj)]);
    }

    /// <summary>
    /// Enqueues the key of the object's managing controller when it is of the given group and kind (the owner
    /// reference with <c>controller: true</c>; the version is ignored). Owners live in the dependent's namespace.
    /// </summary>
    /// <param name="ownerGroup">The owner's API group, e.g. <c>models.example.com</c>; empty for the core group.</param>
    public static IResourceEventHandler<T> ForControllerOwner<T>(WorkQueue<ObjectKey> queue, string ownerGroup, string ownerKind)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(ownerGroup);
        ArgumentException.ThrowIfNullOrEmpty(ownerKind);
        return Mapping<T>(queue, obj => OwnerKeys(obj, ownerGroup, ownerKind));
    }

    /// <summary>Enqueues whatever keys <paramref name="map"/> returns for each changed object.</summary>
    public static IResourceEventHandler<T> Mapping<T>(WorkQueue<ObjectKey> queue, Func<T, IEnumerable<ObjectKey>> map)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(map);
        void Enqueue(T obj)
        {
            foreach (var key in map(obj))
            {
                queue.Add(key);
            }
        }

        return new ResourceEventHandler<T>
        {
            Added = (obj, _) => Enqueue(obj),
            Updated = (oldObj, newObj) =>
            {
                Enqueue(oldObj);
                Enqueue(newObj);
            },
            Deleted = (obj, _) => Enqueue(obj),
        };
    }

    /// <summary>The owner key, when the object's controller reference points at <paramref name="ownerGroup"/>/<paramref name="ownerKind"/>.</summary>
    public static IEnumerable<ObjectKey> OwnerKeys(IKubernetesObject obj, string ownerGroup, string ownerKind)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var owner = Indexers.ControllerOf(obj);
        if (owner is null
            || !string.Equals(owner.Kind, ownerKind, StringComparison.Ordinal)
            || !string.Equals(GroupOf(owner.ApiVersion), ownerGroup, StringComparison.Ordinal))
        {
            return [];
        }

        return [new ObjectKey(obj.Metadata.Namespace ?? string.Empty, owner.Name)];
    }

    private static string GroupOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : apiVersion[..slash];
    }
}
