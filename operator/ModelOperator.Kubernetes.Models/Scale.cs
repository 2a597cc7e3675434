using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>autoscaling/v1 Scale, the <c>/scale</c> subresource of Deployments and scalable custom resources.</summary>
public sealed record Scale : IKubernetesObject
{
    public static JsonTypeInfo<Scale> JsonTypeInfo => KubernetesJsonContext.Default.Scale;

    public string ApiVersion { get; init; } = "autoscaling/v1";

    public string Kind { get; init; } = "Scale";

    public ObjectMeta Metadata { get; init; } = new();

    public ScaleSpec? Spec { get; init; }

    public ScaleStatus? Status { get; init; }
}

public sealed record ScaleSpec
{
    public int? Replicas { get; init; }
}

public sealed record ScaleStatus
{
    public int Replicas { get; init; }

    /// <summary>The label selector of the scaled pods in string form, e.g. <c>app=web</c>.</summary>
    public string? Selector { get; init; }
}
