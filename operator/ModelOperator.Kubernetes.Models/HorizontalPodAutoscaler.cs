using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>autoscaling/v2 HorizontalPodAutoscaler.</summary>
public sealed record HorizontalPodAutoscaler : IKubernetesObject<HorizontalPodAutoscaler>
{
    public static ResourceDescriptor Resource { get; } = new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", Namespaced: true);

    public static JsonTypeInfo<HorizontalPodAutoscaler> JsonTypeInfo => KubernetesJsonContext.Default.HorizontalPodAutoscaler;

    public static JsonTypeInfo<ObjectList<HorizontalPodAutoscaler>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListHorizontalPodAutoscaler;

    public string ApiVersion { get; init; } = "autoscaling/v2";

    public string Kind { get; init; } = "HorizontalPodAutoscaler";

    public ObjectMeta Metadata { get; init; } = new();

    public HorizontalPodAutoscalerSpec? Spec { get; init; }

    public HorizontalPodAutoscalerStatus? Status { get; init; }

    public HorizontalPodAutoscaler WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}

public sealed record HorizontalPodAutoscalerSpec
{
    public required CrossVersionObjectReference ScaleTargetRef { get; init; }

    public int? MinReplicas { get; init; }

    public required int MaxReplicas { get; init; }

    public IReadOnlyList<MetricSpec>? Metrics { get; init; }

    public HorizontalPodAutoscalerBehavior? Behavior { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record CrossVersionObjectReference
{
    public required string Kind { get; init; }

    public required string Name { get; init; }

    public string? ApiVersion { get; init; }
}

/// <summary>One metric; <see cref="Type"/> says which of the source fields is set.</summary>
public sealed record MetricSpec
{
    /// <summary><c>Resource</c>, <c>Pods</c>, <c>Object</c>, <c>External</c> or <c>ContainerResource</c>.</summary>
    public required string Type { get; init; }

    public ResourceMetricSource? Resource { get; init; }

    public PodsMetricSource? Pods { get; init; }

    public ObjectMetricSource? Object { get; init; }

    public ExternalMetricSource? External { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record ResourceMetricSource
{
    /// <summary><c>cpu</c> or <c>memory</c>.</summary>
    public required string Name { get; init; }

    public required MetricTarget Target { get; init; }
}

public sealed record PodsMetricSource
{
    public required MetricIdentifier Metric { get; init; }

    public required MetricTarget Target { get; init; }
}

public sealed record ObjectMetricSource
{
    public required CrossVersionObjectReference DescribedObject { get; init; }

    public required MetricIdentifier Metric { get; init; }

    public required MetricTarget Target { get; init; }
}

public sealed record ExternalMetricSource
{
    public required MetricIdentifier Metric { get; init; }

    public required MetricTarget Target { get; init; }
}

public sealed record MetricIdentifier
{
    public required string Name { get; init; }

    public LabelSelector? Selector { get; init; }
}

public sealed record MetricTarget
{
    /// <summary><c>Utilization</c>, <c>Value</c> or <c>AverageValue</c>.</summary>
    public required string Type { get; init; }

    /// <summary>A quantity, e.g. <c>100</c> or <c>500m</c>.</summary>
    public string? Value { get; init; }

    public string? AverageValue { get; init; }

    public int? AverageUtilization { get; init; }
}

public sealed record HorizontalPodAutoscalerBehavior
{
    public HpaScalingRules? ScaleUp { get; init; }

    public HpaScalingRules? ScaleDown { get; init; }
}

public sealed record HpaScalingRules
{
    public int? StabilizationWindowSeconds { get; init; }

    /// <summary><c>Max</c>, <c>Min</c> or <c>Disabled</c>.</summary>
    public string? SelectPolicy { get; init; }

    public IReadOnlyList<HpaScalingPolicy>? Policies { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record HpaScalingPolicy
{
    /// <summary><c>Pods</c> or <c>Percent</c>.</summary>
    public required string Type { get; init; }

    public required int Value { get; init; }

    public required int PeriodSeconds { get; init; }
}

public sealed record HorizontalPodAutoscalerStatus
{
    public long? ObservedGeneration { get; init; }

    public DateTimeOffset? LastScaleTime { get; init; }

    public int? CurrentReplicas { get; init; }

    public int? DesiredReplicas { get; init; }

    /// <summary>Current metric values, kept as raw JSON.</summary>
    public IReadOnlyList<JsonElement>? CurrentMetrics { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }
}
