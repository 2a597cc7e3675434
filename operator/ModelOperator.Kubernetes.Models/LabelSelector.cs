namespace ModelOperator.Kubernetes.Models;

/// <summary>metav1.LabelSelector: all of <see cref="MatchLabels"/> and <see cref="MatchExpressions"/> must match.</summary>
public sealed record LabelSelector
{
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }

    public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
}

/// <summary>One selector expression: <c>key In (values)</c>, <c>NotIn</c>, <c>Exists</c>, <c>DoesNotExist</c>.</summary>
public sealed record LabelSelectorRequirement
{
    public required string Key { get; init; }

    public required string Operator { get; init; }

    public IReadOnlyList<string>? Values { get; init; }
}
