using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>apps/v1 Deployment.</summary>
public sealed record Deployment : IKubernetesObject<Deployment>
{
    public static ResourceDescriptor Resource { get; } = new("apps", "v1", "deployments", "Deployment", Namespaced: true);

    public static JsonTypeInfo<Deployment> JsonTypeInfo => KubernetesJsonContext.Default.Deployment;

    public static JsonTypeInfo<ObjectList<Deployment>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListDeployment;

    public string ApiVersion { get; init; } = "apps/v1";

    public string Kind { get; init; } = "Deployment";

    public ObjectMeta Metadata { get; init; } = new();

    public DeploymentSpec? Spec { get; init; }

    public DeploymentStatus? Status { get; init; }

    public Deployment WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}

public sealed record DeploymentSpec
{
    public int? Replicas { get; init; }

    public LabelSelector? Selector { get; init; }

    public PodTemplateSpec? Template { get; init; }

    public DeploymentStrategy? Strategy { get; init; }

    public int? MinReadySeconds { get; init; }

    public int? RevisionHistoryLimit { get; init; }

    public bool? Paused { get; init; }

    public int? ProgressDeadlineSeconds { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record DeploymentStrategy
{
    /// <summary><c>RollingUpdate</c> or <c>Recreate</c>.</summary>
    public string? Type { get; init; }

    public RollingUpdateDeployment? RollingUpdate { get; init; }
}

public sealed record RollingUpdateDeployment
{
    public IntOrString? MaxUnavailable { get; init; }

    public IntOrString? MaxSurge { get; init; }
}

public sealed record DeploymentStatus
{
    public long? ObservedGeneration { get; init; }

    public int? Replicas { get; init; }

    public int? UpdatedReplicas { get; init; }

    public int? ReadyReplicas { get; init; }

    public int? AvailableReplicas { get; init; }

    public int? UnavailableReplicas { get; init; }

    public IReadOnlyList<DeploymentCondition>? Conditions { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record DeploymentCondition
{
    /// <summary><c>Available</c>, <c>Progressing</c> or <c>ReplicaFailure</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public required string Status { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public DateTimeOffset? LastUpdateTime { get; init; }

    public DateTimeOffset? LastTransitionTime { get; init; }
}
