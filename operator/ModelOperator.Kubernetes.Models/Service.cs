using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>core/v1 Service.</summary>
public sealed record Service : IKubernetesObject<Service>
{
    public static ResourceDescriptor Resource { get; } = new(string.Empty, "v1", "services", "Service", Namespaced: true);

    public static JsonTypeInfo<Service> JsonTypeInfo => KubernetesJsonContext.Default.Service;

    public static JsonTypeInfo<ObjectList<Service>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListService;

    public string ApiVersion { get; init; } = "v1";

    public string Kind { get; init; } = "Service";

    public ObjectMeta Metadata { get; init; } = new();

    public ServiceSpec? Spec { get; init; }

    /// <summary>Load-balancer status and conditions, kept as raw JSON.</summary>
    public JsonElement? Status { get; init; }

    public Service WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}

public sealed record ServiceSpec
{
    /// <summary><c>ClusterIP</c>, <c>NodePort</c>, <c>LoadBalancer</c> or <c>ExternalName</c>.</summary>
    public string? Type { get; init; }

    public IReadOnlyDictionary<string, string>? Selector { get; init; }

    public IReadOnlyList<ServicePort>? Ports { get; init; }

    public string? ClusterIP { get; init; }

    public IReadOnlyList<string>? ClusterIPs { get; init; }

    public string? SessionAffinity { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record ServicePort
{
    public string? Name { get; init; }

    public required int Port { get; init; }

    public IntOrString? TargetPort { get; init; }

    public string? Protocol { get; init; }

    public string? AppProtocol { get; init; }

    public int? NodePort { get; init; }
}
