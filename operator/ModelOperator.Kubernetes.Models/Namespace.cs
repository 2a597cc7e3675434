using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>core/v1 Namespace (cluster-scoped).</summary>
public sealed record Namespace : IKubernetesObject<Namespace>
{
    public static ResourceDescriptor Resource { get; } = new(string.Empty, "v1", "namespaces", "Namespace", Namespaced: false);

    public static JsonTypeInfo<Namespace> JsonTypeInfo => KubernetesJsonContext.Default.Namespace;

    public static JsonTypeInfo<ObjectList<Namespace>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListNamespace;

    public string ApiVersion { get; init; } = "v1";

    public string Kind { get; init; } = "Namespace";

    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>Finalizers of the namespace, kept as raw JSON.</summary>
    public JsonElement? Spec { get; init; }

    /// <summary>Phase (<c>Active</c>, <c>Terminating</c>), kept as raw JSON.</summary>
    public JsonElement? Status { get; init; }

    public Namespace WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}
