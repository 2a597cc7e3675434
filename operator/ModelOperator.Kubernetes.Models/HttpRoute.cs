using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>gateway.networking.k8s.io/v1 HTTPRoute; weights on backendRefs split traffic between revisions.</summary>
public sealed record HttpRoute : IKubernetesObject<HttpRoute>
{
    public static ResourceDescriptor Resource { get; } = new("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", Namespaced: true);

    public static JsonTypeInfo<HttpRoute> JsonTypeInfo => KubernetesJsonContext.Default.HttpRoute;

    public static JsonTypeInfo<ObjectList<HttpRoute>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListHttpRoute;

    public string ApiVersion { get; init; } = "gateway.networking.k8s.io/v1";

    public string Kind { get; init; } = "HTTPRoute";

    public ObjectMeta Metadata { get; init; } = new();

    public HttpRouteSpec? Spec { get; init; }

    /// <summary>Per-parent status, kept as raw JSON.</summary>
    public JsonElement? Status { get; init; }

    public HttpRoute WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}

public sealed record HttpRouteSpec
{
    public IReadOnlyList<ParentReference>? ParentRefs { get; init; }

    public IReadOnlyList<string>? Hostnames { get; init; }

    public IReadOnlyList<HttpRouteRule>? Rules { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record ParentReference
{
    public string? Group { get; init; }

    public string? Kind { get; init; }

    public string? Namespace { get; init; }

    public required string Name { get; init; }

    public string? SectionName { get; init; }

    public int? Port { get; init; }
}

public sealed record HttpRouteRule
{
    public string? Name { get; init; }

    /// <summary>Path, header and query matches, kept as raw JSON.</summary>
    public IReadOnlyList<JsonElement>? Matches { get; init; }

    public IReadOnlyList<HttpBackendRef>? BackendRefs { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record HttpBackendRef
{
    public string? Group { get; init; }

    public string? Kind { get; init; }

    public string? Namespace { get; init; }

    public required string Name { get; init; }

    public int? Port { get; init; }

    /// <summary>Relative share of traffic; 0 sends none. Defaults to 1 on the server.</summary>
    public int? Weight { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}
