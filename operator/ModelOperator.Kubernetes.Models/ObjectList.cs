namespace ModelOperator.Kubernetes.Models;

/// <summary>A page of objects of one kind, e.g. a <c>DeploymentList</c>.</summary>
public sealed record ObjectList<T>
    where T : class, IKubernetesObject
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public ListMeta Metadata { get; init; } = new();

    public IReadOnlyList<T> Items { get; init; } = [];
}
