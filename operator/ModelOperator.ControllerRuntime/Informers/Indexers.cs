using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>Index functions for an <see cref="ObjectCache{T}"/>: each maps an object to the values it is found under.</summary>
public static class Indexers
{
    /// <summary>The index every cache has: by <c>metadata.namespace</c> (empty for cluster-scoped objects).</summary>
    public const string Namespace = "namespace";

    /// <summary>Name of the <see cref="OwnerUids"/> index.</summary>
    public const string OwnerUid = "owner-uid";

    /// <summary>Name of the <see cref="ControllerUid"/> index.</summary>
    public const string ControllerUidIndex = "controller-uid";

    /// <summary>Finds objects by the UID of any of their owners.</summary>
    public static IEnumerable<string> OwnerUids(IKubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata.OwnerReferences?.Select(o => o.Uid).Where(u => !string.IsNullOrEmpty(u)) ?? [];
    }

    /// <summary>Finds objects by the UID of their managing controller (the owner reference with <c>controller: true</c>).</summary>
    public static IEnumerable<string> ControllerUid(IKubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var controller = ControllerOf(obj);
        return controller is null || string.IsNullOrEmpty(controller.Uid) ? [] : [controller.Uid];
    }

    /// <summary>The owner reference marked <c>controller: true</c>, if any.</summary>
    public static OwnerReference? ControllerOf(IKubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
    }
}
