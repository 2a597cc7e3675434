namespace ModelOperator.Kubernetes.Models;

/// <summary>Points from a dependent to its owner; the garbage collector deletes dependents of deleted owners.</summary>
public sealed record OwnerReference
{
    public required string ApiVersion { get; init; }

    public required string Kind { get; init; }

    public required string Name { get; init; }

    public required string Uid { get; init; }

    /// <summary>True for the one managing controller.</summary>
    public bool? Controller { get; init; }

    public bool? BlockOwnerDeletion { get; init; }
}
