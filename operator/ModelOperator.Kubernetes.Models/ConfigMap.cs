using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>core/v1 ConfigMap: string keys and values (the operator writes only <see cref="Data"/>).</summary>
public sealed record ConfigMap : IKubernetesObject<ConfigMap>
{
    public static ResourceDescriptor Resource { get; } = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);

    public static JsonTypeInfo<ConfigMap> JsonTypeInfo => KubernetesJsonContext.Default.ConfigMap;

    public static JsonTypeInfo<ObjectList<ConfigMap>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListConfigMap;

    public string ApiVersion { get; init; } = "v1";

    public string Kind { get; init; } = "ConfigMap";

    public ObjectMeta Metadata { get; init; } = new();

    public IReadOnlyDictionary<string, string>? Data { get; init; }

    public bool? Immutable { get; init; }

    /// <summary>Fields this client does not model (binaryData), kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, System.Text.Json.JsonElement>? ExtensionData { get; set; }

    public ConfigMap WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}
