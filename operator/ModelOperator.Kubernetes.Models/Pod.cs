using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>core/v1 Pod (the operator reads pods; it does not create them).</summary>
public sealed record Pod : IKubernetesObject<Pod>
{
    public static ResourceDescriptor Resource { get; } = new(string.Empty, "v1", "pods", "Pod", Namespaced: true);

    public static JsonTypeInfo<Pod> JsonTypeInfo => KubernetesJsonContext.Default.Pod;

    public static JsonTypeInfo<ObjectList<Pod>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListPod;

    public string ApiVersion { get; init; } = "v1";

    public string Kind { get; init; } = "Pod";

    public ObjectMeta Metadata { get; init; } = new();

    public PodSpec? Spec { get; init; }

    public PodStatus? Status { get; init; }

    public Pod WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}

public sealed record PodStatus
{
    /// <summary><c>Pending</c>, <c>Running</c>, <c>Succeeded</c>, <c>Failed</c> or <c>Unknown</c>.</summary>
    public string? Phase { get; init; }

    public IReadOnlyList<PodCondition>? Conditions { get; init; }

    public IReadOnlyList<ContainerStatus>? ContainerStatuses { get; init; }

    public IReadOnlyList<ContainerStatus>? InitContainerStatuses { get; init; }

    public string? PodIP { get; init; }

    public string? HostIP { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record PodCondition
{
    /// <summary><c>PodScheduled</c>, <c>Initialized</c>, <c>ContainersReady</c>, <c>Ready</c>, …</summary>
    public required string Type { get; init; }

    public required string Status { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public DateTimeOffset? LastProbeTime { get; init; }

    public DateTimeOffset? LastTransitionTime { get; init; }
}

public sealed record ContainerStatus
{
    public required string Name { get; init; }

    public bool Ready { get; init; }

    public int RestartCount { get; init; }

    public bool? Started { get; init; }

    public string? Image { get; init; }

    public string? ImageID { get; init; }

    public string? ContainerID { get; init; }

    public ContainerState? State { get; init; }

    public ContainerState? LastState { get; init; }
}

/// <summary>Exactly one of the three is set.</summary>
public sealed record ContainerState
{
    public ContainerStateWaiting? Waiting { get; init; }

    public ContainerStateRunning? Running { get; init; }

    public ContainerStateTerminated? Terminated { get; init; }
}

public sealed record ContainerStateWaiting
{
    /// <summary>e.g. <c>CrashLoopBackOff</c>, <c>ImagePullBackOff</c>, <c>ContainerCreating</c>.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }
}

public sealed record ContainerStateRunning
{
    public DateTimeOffset? StartedAt { get; init; }
}

public sealed record ContainerStateTerminated
{
    public int ExitCode { get; init; }

    public int? Signal { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }
}
