using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>coordination.k8s.io/v1 Lease, used for leader election.</summary>
public sealed record Lease : IKubernetesObject<Lease>
{
    public static ResourceDescriptor Resource { get; } = new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true);

    public static JsonTypeInfo<Lease> JsonTypeInfo => KubernetesJsonContext.Default.Lease;

    public static JsonTypeInfo<ObjectList<Lease>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListLease;

    public string ApiVersion { get; init; } = "coordination.k8s.io/v1";

    public string Kind { get; init; } = "Lease";

    public ObjectMeta Metadata { get; init; } = new();

    public LeaseSpec? Spec { get; init; }

    public Lease WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}

public sealed record LeaseSpec
{
    public string? HolderIdentity { get; init; }

    public int? LeaseDurationSeconds { get; init; }

    [JsonConverter(typeof(KubernetesMicroTimeJsonConverter))]
    public DateTimeOffset? AcquireTime { get; init; }

    [JsonConverter(typeof(KubernetesMicroTimeJsonConverter))]
    public DateTimeOffset? RenewTime { get; init; }

    public int? LeaseTransitions { get; init; }
}
