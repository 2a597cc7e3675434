using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>
/// core/v1 Secret, read only (the operator reads the keys a web metric's or webhook's header names, by name, in the
/// ModelDeployment's namespace). <see cref="Data"/>'s values arrive base64-encoded and are decoded to bytes by the
/// serializer. <see cref="ToString"/> never shows them.
/// </summary>
public sealed record Secret : IKubernetesObject<Secret>
{
    public static ResourceDescriptor Resource { get; } = new("", "v1", "secrets", "Secret", Namespaced: true);

    public static JsonTypeInfo<Secret> JsonTypeInfo => KubernetesJsonContext.Default.Secret;

    public static JsonTypeInfo<ObjectList<Secret>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListSecret;

    public string ApiVersion { get; init; } = "v1";

    public string Kind { get; init; } = "Secret";

    public ObjectMeta Metadata { get; init; } = new();

    public string? Type { get; init; }

    public IReadOnlyDictionary<string, byte[]>? Data { get; init; }

    public Secret WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };

    /// <summary>The name and the keys, never a value.</summary>
    public override string ToString() =>
        $"Secret {Metadata.Namespace}/{Metadata.Name} (keys: {string.Join(", ", Data?.Keys.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())})";
}
