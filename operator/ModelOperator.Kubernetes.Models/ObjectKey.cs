namespace ModelOperator.Kubernetes.Models;

/// <summary>Identifies one object: namespace (empty for cluster-scoped kinds) and name.</summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    /// <summary>A key for a cluster-scoped object.</summary>
    public static ObjectKey Cluster(string name) => new(string.Empty, name);

    /// <summary>The key of an object from its metadata.</summary>
    public static ObjectKey From(IKubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new(obj.Metadata.Namespace ?? string.Empty, obj.Metadata.Name ?? string.Empty);
    }

    /// <summary><c>namespace/name</c>, or just <c>name</c> for cluster-scoped objects.</summary>
    public override string ToString() => string.IsNullOrEmpty(Namespace) ? Name : $"{Namespace}/{Name}";
}
