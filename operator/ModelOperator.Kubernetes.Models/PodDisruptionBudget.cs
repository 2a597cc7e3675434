using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>policy/v1 PodDisruptionBudget: how many of the selected pods a voluntary eviction (a node drain) may take at once.</summary>
public sealed record PodDisruptionBudget : IKubernetesObject<PodDisruptionBudget>
{
    public static ResourceDescriptor Resource { get; } = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", Namespaced: true);

    public static JsonTypeInfo<PodDisruptionBudget> JsonTypeInfo => KubernetesJsonContext.Default.PodDisruptionBudget;

    public static JsonTypeInfo<ObjectList<PodDisruptionBudget>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListPodDisruptionBudget;

    public string ApiVersion { get; init; } = "policy/v1";

    public string Kind { get; init; } = "PodDisruptionBudget";

    public ObjectMeta Metadata { get; init; } = new();

    public PodDisruptionBudgetSpec? Spec { get; init; }

    /// <summary>Status as the disruption controller writes it, kept raw: the operator does not read it.</summary>
    public JsonElement? Status { get; init; }

    public PodDisruptionBudget WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}

/// <summary>Exactly one of <see cref="MaxUnavailable"/> and <see cref="MinAvailable"/>, each a count or a percentage.</summary>
public sealed record PodDisruptionBudgetSpec
{
    public IntOrString? MaxUnavailable { get; init; }

    public IntOrString? MinAvailable { get; init; }

    public LabelSelector? Selector { get; init; }

    /// <summary>Fields this client does not model (e.g. unhealthyPodEvictionPolicy), kept so that writing the object back does not drop them.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}
