namespace ModelOperator.Kubernetes.Models;

/// <summary>core/v1 Affinity: node affinity, pod affinity and pod anti-affinity scheduling rules.</summary>
public sealed record Affinity
{
    public NodeAffinity? NodeAffinity { get; init; }

    public PodAffinity? PodAffinity { get; init; }

    public PodAffinity? PodAntiAffinity { get; init; }
}

/// <summary>core/v1 NodeAffinity: hard (required) and soft (preferred) node rules.</summary>
public sealed record NodeAffinity
{
    public NodeSelectorRules? RequiredDuringSchedulingIgnoredDuringExecution { get; init; }

    public IReadOnlyList<PreferredSchedulingTerm>? PreferredDuringSchedulingIgnoredDuringExecution { get; init; }
}

/// <summary>core/v1 NodeSelector (the affinity form): the terms are ORed.</summary>
public sealed record NodeSelectorRules
{
    public IReadOnlyList<NodeSelectorTerm>? NodeSelectorTerms { get; init; }
}

/// <summary>core/v1 NodeSelectorTerm: its requirements are ANDed.</summary>
public sealed record NodeSelectorTerm
{
    public IReadOnlyList<NodeSelectorRequirement>? MatchExpressions { get; init; }

    public IReadOnlyList<NodeSelectorRequirement>? MatchFields { get; init; }
}

/// <summary>One node expression: <c>key In|NotIn|Exists|DoesNotExist|Gt|Lt values</c>.</summary>
public sealed record NodeSelectorRequirement
{
    public required string Key { get; init; }

    public required string Operator { get; init; }

    public IReadOnlyList<string>? Values { get; init; }
}

/// <summary>core/v1 PreferredSchedulingTerm: a node term with a weight from 1 to 100.</summary>
public sealed record PreferredSchedulingTerm
{
    public required int Weight { get; init; }

    public required NodeSelectorTerm Preference { get; init; }
}

/// <summary>core/v1 PodAffinity and PodAntiAffinity (the same shape).</summary>
public sealed record PodAffinity
{
    public IReadOnlyList<PodAffinityTerm>? RequiredDuringSchedulingIgnoredDuringExecution { get; init; }

    public IReadOnlyList<WeightedPodAffinityTerm>? PreferredDuringSchedulingIgnoredDuringExecution { get; init; }
}

/// <summary>core/v1 PodAffinityTerm: pods matching the selector, in the namespaces given, within one topology domain.</summary>
public sealed record PodAffinityTerm
{
    public LabelSelector? LabelSelector { get; init; }

    public IReadOnlyList<string>? Namespaces { get; init; }

    public LabelSelector? NamespaceSelector { get; init; }

    public required string TopologyKey { get; init; }

    public IReadOnlyList<string>? MatchLabelKeys { get; init; }

    public IReadOnlyList<string>? MismatchLabelKeys { get; init; }
}

/// <summary>core/v1 WeightedPodAffinityTerm: a pod affinity term with a weight from 1 to 100.</summary>
public sealed record WeightedPodAffinityTerm
{
    public required int Weight { get; init; }

    public required PodAffinityTerm PodAffinityTerm { get; init; }
}

/// <summary>core/v1 TopologySpreadConstraint: how evenly matching pods spread over a topology.</summary>
public sealed record TopologySpreadConstraint
{
    public required int MaxSkew { get; init; }

    public required string TopologyKey { get; init; }

    /// <summary><c>DoNotSchedule</c> or <c>ScheduleAnyway</c>.</summary>
    public required string WhenUnsatisfiable { get; init; }

    public LabelSelector? LabelSelector { get; init; }

    public int? MinDomains { get; init; }

    /// <summary><c>Honor</c> or <c>Ignore</c>.</summary>
    public string? NodeAffinityPolicy { get; init; }

    /// <summary><c>Honor</c> or <c>Ignore</c>.</summary>
    public string? NodeTaintsPolicy { get; init; }

    public IReadOnlyList<string>? MatchLabelKeys { get; init; }
}

/// <summary>core/v1 LocalObjectReference: an object in the same namespace, by name (e.g. an image pull Secret).</summary>
public sealed record LocalObjectReference
{
    public required string Name { get; init; }
}

/// <summary>core/v1 EnvFromSource: every key of a ConfigMap or Secret as a variable, with an optional name prefix.</summary>
public sealed record EnvFromSource
{
    public string? Prefix { get; init; }

    public EnvSourceReference? ConfigMapRef { get; init; }

    public EnvSourceReference? SecretRef { get; init; }
}

/// <summary>core/v1 ConfigMapEnvSource and SecretEnvSource (the same shape).</summary>
public sealed record EnvSourceReference
{
    public required string Name { get; init; }

    public bool? Optional { get; init; }
}
