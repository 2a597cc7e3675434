namespace ModelOperator.Kubernetes.Models;

/// <summary>Metadata of a list response (metav1.ListMeta).</summary>
public sealed record ListMeta
{
    /// <summary>The version to start a watch from after this list.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>Token for the next page; empty or absent on the last page.</summary>
    public string? Continue { get; init; }

    public long? RemainingItemCount { get; init; }
}
