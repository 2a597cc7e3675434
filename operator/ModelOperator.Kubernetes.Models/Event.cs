using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>core/v1 Event: a record of something that happened to an object, shown by <c>kubectl describe</c>.</summary>
public sealed record Event : IKubernetesObject<Event>
{
    public static ResourceDescriptor Resource { get; } = new(string.Empty, "v1", "events", "Event", Namespaced: true);

    public static JsonTypeInfo<Event> JsonTypeInfo => KubernetesJsonContext.Default.Event;

    public static JsonTypeInfo<ObjectList<Event>> ListJsonTypeInfo => KubernetesJsonContext.Default.ObjectListEvent;

    public string ApiVersion { get; init; } = "v1";

    public string Kind { get; init; } = "Event";

    public ObjectMeta Metadata { get; init; } = new();

    public ObjectReference? InvolvedObject { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary><c>Normal</c> or <c>Warning</c>.</summary>
    public string? Type { get; init; }

    public int? Count { get; init; }

    public DateTimeOffset? FirstTimestamp { get; init; }

    public DateTimeOffset? LastTimestamp { get; init; }

    [JsonConverter(typeof(KubernetesMicroTimeJsonConverter))]
    public DateTimeOffset? EventTime { get; init; }

    public EventSource? Source { get; init; }

    public string? ReportingComponent { get; init; }

    public string? ReportingInstance { get; init; }

    public string? Action { get; init; }

    public Event WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}

/// <summary>core/v1 ObjectReference.</summary>
public sealed record ObjectReference
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? Uid { get; init; }

    public string? ResourceVersion { get; init; }

    public string? FieldPath { get; init; }
}

public sealed record EventSource
{
    public string? Component { get; init; }

    public string? Host { get; init; }
}
